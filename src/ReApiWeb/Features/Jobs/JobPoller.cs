using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Follows every in-flight task until reAPI reports a terminal state. Resumes from the database at start, so tasks
/// in flight when the app stopped are followed again. All polls pass the shared rate gate inside <see cref="ReApiClient"/>.
/// </summary>
public sealed partial class JobPoller(
    IDbContextFactory<AppDbContext> dbFactory,
    PollSchedule schedule,
    PollPlanner planner,
    ReApiClient client,
    JobFinalizer finalizer,
    ModelCatalog catalog,
    IOptions<PollingOptions> options,
    TimeProvider time,
    ILogger<JobPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken);
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentPolls);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await schedule.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            while (schedule.TryTakeDue(out var target))
            {
                await slots.WaitAsync(stoppingToken);
                running.Add(PollAsync(target, stoppingToken).ContinueWith(_ => slots.Release(), TaskScheduler.Default));
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(running);
    }

    /// <summary>Plans a first poll for every task in flight and settles jobs a stop caught mid-POST.</summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var interrupted = await db.Jobs.Where(j => j.Status == JobStatus.Submitting)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Unconfirmed)
                .SetProperty(j => j.ErrorMessage, "The app stopped while sending this job to reAPI, so it is unknown whether reAPI received (and charged) it. It was not sent again."), cancellationToken);
        var inFlight = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled) && j.TaskId != null)
            .Select(j => new PollTarget(j.Id, j.OwnerId, j.TaskId!, j.ModelId, j.SubmittedAt ?? j.CreatedAt))
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        for (var i = 0; i < inFlight.Count; i++)
        {
            // Spread the first polls so a restart with many tasks does not arrive as one burst.
            schedule.Schedule(inFlight[i], now + TimeSpan.FromMilliseconds(100 * i));
        }

        LogResumed(inFlight.Count, interrupted);
    }

    private async Task PollAsync(PollTarget target, CancellationToken cancellationToken)
    {
        var typical = catalog.Find(target.ModelId)?.TypicalDuration ?? TimeSpan.FromSeconds(30);
        try
        {
            var task = await client.GetTaskAsync(target.TaskId, cancellationToken);
            var age = time.GetUtcNow() - target.SubmittedAt;
            switch (task.Status)
            {
                case ReApiTaskStatus.Completed:
                    await finalizer.CompleteAsync(target, task, cancellationToken);
                    return;
                case ReApiTaskStatus.Failed:
                    await finalizer.FailAsync(target, task.Error, cancellationToken);
                    return;
                default:
                    await finalizer.RecordRunningAsync(target, planner.IsStalled(typical, age), cancellationToken);
                    Reschedule(target with { ConsecutiveErrors = 0 }, typical);
                    return;
            }
        }
        catch (ReApiException e)
        {
            LogPollFailed(target.JobId, target.TaskId, e.Kind, e.Message);
            var next = target with { ConsecutiveErrors = target.ConsecutiveErrors + 1 };
            await TryRecordErrorAsync(next, e, cancellationToken);
            Reschedule(next, typical);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the task is resumed from the database at the next start.
        }
        catch (Exception e)
        {
            LogPollCrashed(e, target.JobId);
            Reschedule(target with { ConsecutiveErrors = target.ConsecutiveErrors + 1 }, typical);
        }
    }

    private async Task TryRecordErrorAsync(PollTarget target, ReApiException error, CancellationToken cancellationToken)
    {
        // A single hiccup is routine (the next poll is soon); only repeated failures are worth showing to the person.
        if (target.ConsecutiveErrors >= 2 || error.Kind is ReApiErrorKind.Authentication or ReApiErrorKind.NotFound)
        {
            await finalizer.RecordPollErrorAsync(target, $"Checking this job with reAPI failed {target.ConsecutiveErrors} time(s): {error.Message} It will be checked again.", cancellationToken);
        }
    }

    private void Reschedule(PollTarget target, TimeSpan typical)
    {
        var now = time.GetUtcNow();
        schedule.Schedule(target, now + planner.NextDelay(typical, now - target.SubmittedAt, target.ConsecutiveErrors));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller resumed {Count} in-flight tasks; {Interrupted} jobs interrupted mid-submission are now Unconfirmed")]
    private partial void LogResumed(int count, int interrupted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling job {JobId} (task {TaskId}) failed: {Kind} {Message}")]
    private partial void LogPollFailed(Guid jobId, string taskId, ReApiErrorKind kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling job {JobId} failed unexpectedly")]
    private partial void LogPollCrashed(Exception exception, Guid jobId);
}
