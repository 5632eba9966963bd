using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Hosts the accounts' <see cref="PollSchedules"/>: at start it resumes every task in flight from the database, sends the jobs
/// a previous run admitted but never sent, and relearns the models' durations from finished jobs, then lets the
/// scheduler run until the app stops.
/// </summary>
public sealed partial class JobPoller(
    IDbContextFactory<AppDbContext> dbFactory,
    PollSchedules schedules,
    DurationBook durations,
    JobFinalizer finalizer,
    JobSubmitter submitter,
    JobStateMachine states,
    TimeProvider time,
    ILogger<JobPoller> logger) : BackgroundService
{
    /// <summary>How many recent finished jobs per start feed the duration models.</summary>
    private const int LearnFrom = 5000;

    /// <summary>Only jobs made before this instance started are a previous run's; newer ones are this run's own.</summary>
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every step of the resume can be repeated, so it is tried again while the database cannot be read.
        var neverSent = await StartupReads.UntilTheDatabaseAnswersAsync(ResumeAsync, LogResumeFailed, time, stoppingToken);
        var sending = SendLeftoversAsync(neverSent, stoppingToken);
        await schedules.RunAsync(finalizer, stoppingToken);
        await sending;
    }

    private async Task SendLeftoversAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            try
            {
                LogResending(job.Id);
                await submitter.SendAdmittedAsync(job, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogResendFailed(e, job.Id);
            }
        }
    }

    /// <returns>The jobs a previous run admitted (and held credits for) but never sent.</returns>
    private async Task<IReadOnlyList<Job>> ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var neverSent = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Submitting && j.PostStartedAt == null && j.CreatedAt < _startedAt)
            .OrderBy(j => j.CreatedAt)
            .ToListAsync(cancellationToken);
        var toConfirm = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Submitting && j.PostStartedAt != null && j.CreatedAt < _startedAt)
            .Select(j => j.Id)
            .ToListAsync(cancellationToken);
        const string message = "The app stopped while sending this job to reAPI, so it is unknown whether reAPI received (and charged) it. It was not sent again.";
        var interrupted = (await states.ApplyAllAsync(toConfirm, JobTransitions.Unconfirmed, s => s.SetProperty(j => j.ErrorMessage, message),
            where: j => j.PostStartedAt != null, cancellationToken: cancellationToken)).Count;

        var learned = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
            .OrderByDescending(j => j.FinishedAt)
            .Take(LearnFrom)
            .Select(j => new { j.ModelId, Seconds = j.UpstreamSeconds!.Value })
            .ToListAsync(cancellationToken);
        var inFlight = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled) && j.TaskId != null)
            .Select(j => new { Target = new PollTarget(j.Id, j.OwnerId, j.TaskId!, j.ModelId, j.SubmittedAt ?? j.CreatedAt, j.AccountId), j.LastPolledAt, j.Status })
            .ToListAsync(cancellationToken);

        // Only once everything was read, so a resume that failed half-way and is tried again learns each sample once.
        foreach (var sample in Enumerable.Reverse(learned))
        {
            durations.Observe(sample.ModelId, TimeSpan.FromSeconds(sample.Seconds));
        }
        foreach (var job in inFlight)
        {
            schedules.Add(job.Target, job.LastPolledAt, stalled: job.Status == JobStatus.Stalled);
        }

        LogResumed(inFlight.Count, interrupted, neverSent.Count, learned.Count);
        return neverSent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller resumed {Count} in-flight tasks ({Interrupted} jobs interrupted while their POST was out are now Unconfirmed; {NeverSent} never sent are sent now); learned durations from {Samples} finished jobs")]
    private partial void LogResumed(int count, int interrupted, int neverSent, int samples);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resuming the tasks in flight from the database failed; trying again in {Seconds} s")]
    private partial void LogResumeFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} never left before the app stopped; sending it now")]
    private partial void LogResending(Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending job {JobId}, left unsent by the previous run, failed")]
    private partial void LogResendFailed(Exception exception, Guid jobId);
}
