using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Hosts the <see cref="PollScheduler"/>: at start it resumes every task in flight from the database and relearns the
/// models' durations from finished jobs, then lets the scheduler run until the app stops.
/// </summary>
public sealed partial class JobPoller(
    IDbContextFactory<AppDbContext> dbFactory,
    PollBoard board,
    DurationBook durations,
    PollScheduler scheduler,
    JobFinalizer finalizer,
    ILogger<JobPoller> logger) : BackgroundService
{
    /// <summary>How many recent finished jobs per start feed the duration models.</summary>
    private const int LearnFrom = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken);
        await scheduler.RunAsync(finalizer, stoppingToken);
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var interrupted = await db.Jobs.Where(j => j.Status == JobStatus.Submitting)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Unconfirmed)
                .SetProperty(j => j.ErrorMessage, "The app stopped while sending this job to reAPI, so it is unknown whether reAPI received (and charged) it. It was not sent again."), cancellationToken);

        var learned = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
            .OrderByDescending(j => j.FinishedAt)
            .Take(LearnFrom)
            .Select(j => new { j.ModelId, Seconds = j.UpstreamSeconds!.Value })
            .ToListAsync(cancellationToken);
        foreach (var sample in Enumerable.Reverse(learned))
        {
            durations.Observe(sample.ModelId, TimeSpan.FromSeconds(sample.Seconds));
        }

        var inFlight = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled) && j.TaskId != null)
            .Select(j => new { Target = new PollTarget(j.Id, j.OwnerId, j.TaskId!, j.ModelId, j.SubmittedAt ?? j.CreatedAt), j.LastPolledAt, j.Status })
            .ToListAsync(cancellationToken);
        foreach (var job in inFlight)
        {
            board.Add(job.Target, job.LastPolledAt, stalled: job.Status == JobStatus.Stalled);
        }

        LogResumed(inFlight.Count, interrupted, learned.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller resumed {Count} in-flight tasks ({Interrupted} jobs interrupted mid-submission are now Unconfirmed); learned durations from {Samples} finished jobs")]
    private partial void LogResumed(int count, int interrupted, int samples);
}
