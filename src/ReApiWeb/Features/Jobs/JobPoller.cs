using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Hosts the accounts' <see cref="PollSchedules"/> on the leading instance. Each term starts from the database: it
/// follows every task in flight, makes Unconfirmed the POSTs a stopped run (or a gone instance) left without an
/// answer, sends the jobs it admitted but never sent, and relearns the models' durations from finished jobs; then the
/// schedulers run until the term ends. When instances share the database, the leader also follows the tasks other
/// instances send (from their events at once, and by reading the database every
/// <see cref="ClusterOptions.ReloadInterval"/>), and takes over the jobs of instances that are gone.
/// </summary>
public sealed partial class JobPoller(
    IDbContextFactory<AppDbContext> dbFactory,
    PollSchedules schedules,
    DurationBook durations,
    JobFinalizer finalizer,
    JobSubmitter submitter,
    JobStateMachine states,
    ILeadership leadership,
    IEventBus bus,
    InstanceRegistry registry,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    ILogger<JobPoller> logger) : LeaderService(leadership)
{
    /// <summary>How many recent finished jobs per term feed the duration models.</summary>
    private const int LearnFrom = 5000;

    /// <summary>One instance: only jobs made before it started are a previous run's; newer ones are this run's own.</summary>
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <summary>Jobs this instance is sending on behalf of a run that left them, so a reload does not start them twice.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _resending = new();

    protected override async Task LeadAsync(CancellationToken term)
    {
        // Every step of the resume can be repeated, so it is tried again while the database cannot be read.
        var neverSent = await StartupReads.UntilTheDatabaseAnswersAsync(ct => ResumeAsync(learn: true, ct), LogResumeFailed, time, term);
        var sending = SendLeftoversAsync(neverSent, term);
        using var follow = Leadership.Shared ? bus.Subscribe([EventTopic.AllJobs], batch => FollowAsync(batch, term)) : null;
        var reloading = Leadership.Shared ? ReloadAsync(term) : Task.CompletedTask;
        try
        {
            await schedules.RunAsync(finalizer, term);
        }
        finally
        {
            if (Leadership.Shared)
            {
                schedules.Clear();
            }
        }

        await sending;
        await reloading;
    }

    /// <summary>Reads again what other instances did (or left when they went) every reload interval, while the term lasts.</summary>
    private async Task ReloadAsync(CancellationToken term)
    {
        using var timer = new PeriodicTimer(cluster.Value.ReloadInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(term))
            {
                try
                {
                    await SendLeftoversAsync(await ResumeAsync(learn: false, term), term);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReloadFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
        }
    }

    /// <summary>A task another instance had accepted: followed at once rather than at the next reload.</summary>
    private async Task FollowAsync(EventBatch batch, CancellationToken term)
    {
        var accepted = batch.Events.OfType<JobEvent>().Where(e => e.Status == JobStatus.Processing && !schedules.Follows(e.JobId)).Select(e => e.JobId).ToList();
        if (accepted.Count == 0 || term.IsCancellationRequested)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(term);
        foreach (var job in await InFlight(db.Jobs.Where(j => accepted.Contains(j.Id))).ToListAsync(term))
        {
            schedules.Add(job.Target, job.LastPolledAt, stalled: job.Status == JobStatus.Stalled);
        }
    }

    /// <summary>
    /// Sends, one after the other, the jobs a gone instance admitted but never sent. The term's end stops taking the
    /// next one, not a send under way: a POST that has begun is this instance's to finish (the instance lives on, so
    /// no other would settle it), and a job still waiting at the gate is sent by whichever instance records its POST
    /// first.
    /// </summary>
    private async Task SendLeftoversAsync(IReadOnlyList<Job> jobs, CancellationToken term)
    {
        foreach (var job in jobs.Where(j => _resending.TryAdd(j.Id, 0)))
        {
            try
            {
                if (term.IsCancellationRequested)
                {
                    return;
                }

                LogResending(job.Id);
                await submitter.SendAdmittedAsync(job, Stopping);
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogResendFailed(e, job.Id);
            }
            finally
            {
                _resending.TryRemove(job.Id, out _);
            }
        }
    }

    /// <summary>
    /// Follows the tasks in flight that no schedule follows yet, makes Unconfirmed the POSTs whose sender is gone, and
    /// (with <paramref name="learn"/>) relearns the models' durations.
    /// </summary>
    /// <returns>The jobs admitted (and held) whose instance is gone before sending them.</returns>
    private async Task<IReadOnlyList<Job>> ResumeAsync(bool learn, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // One instance: everything from before it started was its previous run's. Several: a job is the instance's that
        // has it in hand (admitted it, or started its POST) until that instance is gone.
        var submitting = db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Submitting);
        if (Leadership.Shared)
        {
            var live = await registry.LiveAsync(db, cancellationToken);
            submitting = submitting.Where(j => j.InstanceId == null || !live.Contains(j.InstanceId.Value));
        }
        else
        {
            submitting = submitting.Where(j => j.CreatedAt < _startedAt);
        }

        var neverSent = await submitting.Where(j => j.PostStartedAt == null).OrderBy(j => j.CreatedAt).ToListAsync(cancellationToken);
        var toConfirm = await submitting.Where(j => j.PostStartedAt != null).Select(j => j.Id).ToListAsync(cancellationToken);
        const string message = "The app stopped while sending this job to reAPI, so it is unknown whether reAPI received (and charged) it. It was not sent again.";
        var interrupted = (await states.ApplyAllAsync(toConfirm, JobTransitions.Unconfirmed, s => s.SetProperty(j => j.ErrorMessage, message),
            where: j => j.PostStartedAt != null, cancellationToken: cancellationToken)).Count;

        var learned = learn
            ? await db.Jobs.AsNoTracking()
                .Where(j => j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
                .OrderByDescending(j => j.FinishedAt)
                .Take(LearnFrom)
                .Select(j => new { j.ModelId, j.DurationClass, Seconds = j.UpstreamSeconds!.Value, AtLeast = j.UpstreamSecondsAtLeast })
                .ToListAsync(cancellationToken)
            : [];
        var inFlight = await InFlight(db.Jobs).ToListAsync(cancellationToken);

        // Only once everything was read, so a resume that failed half-way and is tried again learns each sample once.
        if (learn)
        {
            durations.Forget();
            foreach (var sample in Enumerable.Reverse(learned))
            {
                durations.For(sample.ModelId).Observe(UpstreamDuration.FromRow(sample.Seconds, sample.AtLeast), sample.DurationClass);
            }
        }

        var followed = 0;
        foreach (var job in inFlight.Where(j => !schedules.Follows(j.Target.JobId)))
        {
            schedules.Add(job.Target, job.LastPolledAt, stalled: job.Status == JobStatus.Stalled);
            followed++;
        }

        var unsent = neverSent.Where(j => !_resending.ContainsKey(j.Id)).ToList();
        if (learn)
        {
            LogResumed(followed, interrupted, unsent.Count, learned.Count);
        }
        else if (followed + interrupted + unsent.Count > 0)
        {
            LogReloaded(followed, interrupted, unsent.Count);
        }

        return unsent;
    }

    private static IQueryable<InFlightJob> InFlight(IQueryable<Job> jobs) =>
        jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled) && j.TaskId != null)
            .Select(j => new InFlightJob(new PollTarget(j.Id, j.OwnerId, j.TaskId!, j.ModelId, j.SubmittedAt ?? j.CreatedAt, j.AccountId, j.DurationClass), j.LastPolledAt, j.Status));

    private sealed record InFlightJob(PollTarget Target, DateTimeOffset? LastPolledAt, JobStatus Status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller resumed {Count} in-flight tasks ({Interrupted} jobs whose POST was out when their sender stopped are now Unconfirmed; {NeverSent} never sent are sent now); learned durations from {Samples} finished jobs")]
    private partial void LogResumed(int count, int interrupted, int neverSent, int samples);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reload: following {Count} tasks sent by other instances; {Interrupted} POSTs left by a gone instance are now Unconfirmed; {NeverSent} jobs it never sent are sent now")]
    private partial void LogReloaded(int count, int interrupted, int neverSent);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resuming the tasks in flight from the database failed; trying again in {Seconds} s")]
    private partial void LogResumeFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the jobs other instances sent failed; trying again at the next reload")]
    private partial void LogReloadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was admitted but never sent by the instance that took it; sending it now")]
    private partial void LogResending(Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending job {JobId}, left unsent by the previous run, failed")]
    private partial void LogResendFailed(Exception exception, Guid jobId);
}
