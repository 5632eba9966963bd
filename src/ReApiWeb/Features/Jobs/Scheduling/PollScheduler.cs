using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.RateLimiting;

namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>What the scheduler learned from one poll; the app books it in the database, the benchmark records it.</summary>
public interface IPollOutcomes
{
    Task RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken);

    /// <param name="upstreamDuration">How long the task ran upstream: between the last two polls.</param>
    Task CompletedAsync(PollTarget target, ReApiTask task, UpstreamDuration upstreamDuration, CancellationToken cancellationToken);

    Task FailedAsync(PollTarget target, ReApiTask task, CancellationToken cancellationToken);

    Task PollFailedAsync(PollTarget target, ReApiException error, int consecutiveErrors, CancellationToken cancellationToken);
}

/// <summary>A task ran upstream more than <paramref name="AtLeast"/> (it was seen running then) and at most <paramref name="AtMost"/>.</summary>
public readonly record struct UpstreamDuration(TimeSpan AtLeast, TimeSpan AtMost)
{
    /// <summary>The middle of the interval, for people.</summary>
    public TimeSpan Middle => (AtLeast + AtMost) / 2;

    /// <summary>
    /// What a finished job's row says (<c>UpstreamSeconds</c>, the middle, and <c>UpstreamSecondsAtLeast</c>): the interval
    /// around the middle, or exactly the middle on rows from before the lower bound was kept.
    /// </summary>
    public static UpstreamDuration FromRow(double middleSeconds, double? atLeastSeconds)
    {
        var middle = TimeSpan.FromSeconds(middleSeconds);
        return atLeastSeconds is { } atLeast && atLeast <= middleSeconds
            ? new UpstreamDuration(TimeSpan.FromSeconds(atLeast), (2 * middle) - TimeSpan.FromSeconds(atLeast))
            : new UpstreamDuration(middle, middle);
    }
}

/// <summary>The client of one account and the gate that holds its request budget.</summary>
public sealed record UpstreamLane(ReApiClient Client, IUpstreamRateGate Gate);

/// <summary>
/// Decides every poll of one account: it waits for a slot in that account's budget (submissions are served first by
/// the gate), then spends it on the task the <see cref="PollBoard"/> values most at that moment. The lane is asked for
/// at every poll, so a rotated key or a changed budget applies at once.
/// </summary>
public sealed partial class PollScheduler(
    PollBoard board,
    DurationBook durations,
    Func<CancellationToken, ValueTask<UpstreamLane>> lane,
    IOptions<PollingOptions> options,
    TimeProvider time,
    ILogger<PollScheduler> logger)
{
    /// <summary>A scheduler on a fixed client and gate (benchmarks, scripts).</summary>
    public PollScheduler(PollBoard board, DurationBook durations, ReApiClient client, IUpstreamRateGate gate, IOptions<PollingOptions> options, TimeProvider time, ILogger<PollScheduler> logger)
        : this(board, durations, _ => ValueTask.FromResult(new UpstreamLane(client, gate)), options, time, logger)
    {
    }

    public PollBoard Board => board;

    public async Task RunAsync(IPollOutcomes outcomes, CancellationToken stoppingToken)
    {
        using var concurrency = new SemaphoreSlim(options.Value.MaxConcurrentPolls);
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                UpstreamLane upstream;
                try
                {
                    upstream = await lane(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The account's settings could not be read (a database error): try again shortly, polls wait.
                    LogLaneFailed(e);
                    await WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                var worth = await upstream.Gate.AvailableAsync(stoppingToken) >= options.Value.IdleSlots ? 0 : options.Value.PollWorthSeconds;
                if (board.PickNext(out var nextCheck, take: false, worth) is null)
                {
                    await WaitAsync(nextCheck, stoppingToken);
                    continue;
                }

                await concurrency.WaitAsync(stoppingToken);
                var slot = await upstream.Gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Poll, stoppingToken);
                var target = board.PickNext(out _, take: true, worth);
                if (target is null)
                {
                    slot.Dispose();
                    concurrency.Release();
                    continue;
                }

                running.Add(PollAsync(upstream.Client, target, slot, outcomes, stoppingToken).ContinueWith(_ => concurrency.Release(), TaskScheduler.Default));
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: in-flight tasks are resumed from the database at the next start.
        }

        await Task.WhenAll(running);
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(board.Changed, Task.Delay(delay, time, linked.Token));
        await linked.CancelAsync();
    }

    /// <param name="slot">The slot taken for this poll: marked answered as soon as reAPI answers.</param>
    private async Task PollAsync(ReApiClient client, PollTarget target, IDisposable slot, IPollOutcomes outcomes, CancellationToken cancellationToken)
    {
        using var span = Telemetry.JobTracing.Start("poll", target.JobId, target.ModelId, target.AccountId, System.Diagnostics.ActivityKind.Client);
        try
        {
            var lastSeenRunning = board.LastPolledAt(target.JobId) ?? target.SubmittedAt;
            var sentAt = time.GetUtcNow();
            ReApiTask task;
            try
            {
                task = await client.GetTaskOnceAsync(target.TaskId, cancellationToken);
            }
            finally
            {
                slot.Dispose();
            }

            var now = time.GetUtcNow();
            span?.SetTag("reapiweb.task.status", task.Status.ToString().ToLowerInvariant());
            switch (task.Status)
            {
                case ReApiTaskStatus.Completed:
                    var ran = new UpstreamDuration(lastSeenRunning - target.SubmittedAt, now - target.SubmittedAt);
                    var model = durations.For(target.ModelId);
                    model.Forget(target.JobId); // no longer only "still running": it is the finished interval now
                    model.Observe(ran, target.DurationClass);
                    await outcomes.CompletedAsync(target, task, ran, cancellationToken);
                    board.Remove(target.JobId); // only once the outcome is saved: a failed save leaves it to be polled again
                    break;
                case ReApiTaskStatus.Failed:
                    await outcomes.FailedAsync(target, task, cancellationToken);
                    board.Remove(target.JobId);
                    break;
                default:
                    var stalled = IsStalled(target, now);
                    board.PolledRunning(target.JobId, stalled, sentAt); // a slow answer does not push the next poll back
                    await outcomes.RunningAsync(target, stalled, cancellationToken);
                    break;
            }
        }
        catch (ReApiException e) when (e.Kind == ReApiErrorKind.RateLimited)
        {
            // The client paused the account's gate for Retry-After; every call waits for it, this task no longer than others.
            board.PollRefused(target.JobId);
            LogPollRefused(target.JobId, target.TaskId);
        }
        catch (ReApiException e)
        {
            var errors = board.PollFailed(target.JobId);
            LogPollFailed(target.JobId, target.TaskId, e.Kind, e.Message);
            await outcomes.PollFailedAsync(target, e, errors, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            board.PollFailed(target.JobId);
            LogPollCrashed(e, target.JobId);
        }
    }

    private bool IsStalled(PollTarget target, DateTimeOffset now)
    {
        var limit = durations.For(target).Median * options.Value.StallFactor;
        return now - target.SubmittedAt > (limit > options.Value.StallAfterMinimum ? limit : options.Value.StallAfterMinimum);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling job {JobId} (task {TaskId}) failed: {Kind} {Message}")]
    private partial void LogPollFailed(Guid jobId, string taskId, ReApiErrorKind kind, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling job {JobId} (task {TaskId}) was refused by the account's rate limit; the account waits for Retry-After")]
    private partial void LogPollRefused(Guid jobId, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The account's client could not be prepared for polling; trying again in a second")]
    private partial void LogLaneFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling job {JobId} failed unexpectedly")]
    private partial void LogPollCrashed(Exception exception, Guid jobId);
}
