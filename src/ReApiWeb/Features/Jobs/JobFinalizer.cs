using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Applies what the poller learned through the <see cref="JobStateMachine"/>: whatever runs concurrently, exactly one
/// caller moves a job to its end and books the outcome.
/// </summary>
public sealed partial class JobFinalizer(
    IDbContextFactory<AppDbContext> dbFactory,
    JobStateMachine states,
    IEventBus bus,
    OutputArchiver archiver,
    Telemetry.AppMetrics metrics,
    TimeProvider time,
    ILogger<JobFinalizer> logger) : IPollOutcomes
{
    Task IPollOutcomes.CompletedAsync(PollTarget target, ReApiTask task, UpstreamDuration upstreamDuration, CancellationToken cancellationToken) =>
        CompleteAsync(target, task, upstreamDuration, cancellationToken);

    Task IPollOutcomes.FailedAsync(PollTarget target, ReApiTask task, CancellationToken cancellationToken) =>
        FailAsync(target, task.Error, cancellationToken);

    Task IPollOutcomes.RunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken) =>
        RecordRunningAsync(target, stalled, cancellationToken);

    /// <summary>A single hiccup is routine (the next poll is soon); repeated failures, a refused key or an unknown task are shown.</summary>
    Task IPollOutcomes.PollFailedAsync(PollTarget target, ReApiException error, int consecutiveErrors, CancellationToken cancellationToken) =>
        consecutiveErrors >= 2 || error.Kind is ReApiErrorKind.Authentication or ReApiErrorKind.NotFound
            ? RecordPollErrorAsync(target, $"Checking this job with reAPI failed {consecutiveErrors} time(s): {error.Message} It will be checked again.", cancellationToken)
            : Task.CompletedTask;

    public async Task<bool> CompleteAsync(PollTarget target, ReApiTask task, UpstreamDuration upstreamDuration, CancellationToken cancellationToken)
    {
        using var span = Telemetry.JobTracing.Start("complete", target.JobId, target.ModelId, target.AccountId);
        var now = time.GetUtcNow();
        var outputs = OutputsOf(target.JobId, task);
        var output = task.Output?.ToJsonString();
        var moved = await states.ApplyAsync(target.JobId, JobTransitions.Completed, s => s
            .SetProperty(j => j.UpstreamSeconds, upstreamDuration.Middle.TotalSeconds)
            .SetProperty(j => j.UpstreamSecondsAtLeast, upstreamDuration.AtLeast.TotalSeconds)
            .SetProperty(j => j.OutputJson, output)
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.PollCount, j => j.PollCount + 1)
            .SetProperty(j => j.LastPollError, (string?)null),
            inTransaction: (db, _) =>
            {
                db.JobOutputs.AddRange(outputs);
                return Task.CompletedTask;
            },
            cancellationToken: cancellationToken);
        if (moved is null)
        {
            return false;
        }

        LogCompleted(target.JobId, target.TaskId, outputs.Count);
        metrics.DetectionDelay((upstreamDuration.AtMost - upstreamDuration.AtLeast) / 2);
        archiver.Enqueue(outputs.Select(o => o.Id));
        return true;
    }

    public async Task<bool> FailAsync(PollTarget target, ReApiTaskError? error, CancellationToken cancellationToken)
    {
        using var span = Telemetry.JobTracing.Start("fail", target.JobId, target.ModelId, target.AccountId);
        Telemetry.JobTracing.Failed(span, error?.Message ?? "reAPI reported the task failed.");
        var now = time.GetUtcNow();
        var message = error?.Message ?? "reAPI reported the task as failed without a reason.";
        var code = error?.Code;

        // Only the caller that moves the job to Failed books the refund; the unique index backs that up.
        var moved = await states.ApplyAsync(target.JobId, JobTransitions.Failed, s => s
            .SetProperty(j => j.ErrorCode, code)
            .SetProperty(j => j.ErrorMessage, message)
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.PollCount, j => j.PollCount + 1)
            .SetProperty(j => j.LastPollError, (string?)null), message, cancellationToken: cancellationToken);
        if (moved is not null)
        {
            LogFailed(target.JobId, target.TaskId, code, message);
        }

        return moved is not null;
    }

    /// <summary>Records a poll that found the task still running, and marks it Stalled once it runs far too long.</summary>
    public async Task RecordRunningAsync(PollTarget target, bool stalled, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == target.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.PollCount, j => j.PollCount + 1)
            .SetProperty(j => j.LastPollError, (string?)null), cancellationToken);
        if (stalled)
        {
            const string message = "No result long after this model's usual time. It is still checked, slowly; nothing is refunded until reAPI reports a failure.";
            await states.ApplyAsync(target.JobId, JobTransitions.Stalled, message: message, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Keeps the reason a poll failed visible on the job until a later poll succeeds.</summary>
    public async Task RecordPollErrorAsync(PollTarget target, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == target.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.LastPollError, message), cancellationToken);
        var job = await db.Jobs.Where(j => j.Id == target.JobId).Select(j => new { j.Status, j.Visibility }).SingleAsync(cancellationToken);
        bus.Publish(new JobEvent(target.JobId, target.OwnerId, target.ModelId, job.Status, now, message, job.Visibility == JobVisibility.Team));
    }

    private static List<JobOutput> OutputsOf(Guid jobId, ReApiTask task)
    {
        var outputs = new List<JobOutput>();
        var labels = task.TrackLabels;
        void Add(IEnumerable<string> urls, OutputMediaKind kind) =>
            outputs.AddRange(urls.Select((url, i) => new JobOutput { JobId = jobId, Index = i, Kind = kind, UpstreamUrl = url, Label = labels.GetValueOrDefault(url) }));
        Add(task.ImageUrls, OutputMediaKind.Image);
        Add(task.VideoUrls, OutputMediaKind.Video);
        Add(task.AudioUrls, OutputMediaKind.Audio);
        if (task.LastFrameUrl is { } lastFrame)
        {
            Add([lastFrame], OutputMediaKind.LastFrame);
        }

        return outputs;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} (task {TaskId}) completed with {Count} outputs")]
    private partial void LogCompleted(Guid jobId, string taskId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} (task {TaskId}) failed upstream: {Code} {Message}")]
    private partial void LogFailed(Guid jobId, string taskId, int? code, string message);
}
