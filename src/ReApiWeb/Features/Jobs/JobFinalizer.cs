using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Applies what the poller learned. Terminal transitions are conditional updates (<c>WHERE Status IN (Processing,
/// Stalled)</c>): whatever runs concurrently, exactly one caller wins and books the outcome.
/// </summary>
public sealed partial class JobFinalizer(
    IDbContextFactory<AppDbContext> dbFactory,
    IJobNotifier notifier,
    OutputArchiver archiver,
    WriteGate writes,
    CreditLedger ledger,
    CreditEvents creditEvents,
    TimeProvider time,
    ILogger<JobFinalizer> logger) : IPollOutcomes
{
    Task IPollOutcomes.CompletedAsync(PollTarget target, ReApiTask task, TimeSpan upstreamDuration, CancellationToken cancellationToken) =>
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

    public async Task<bool> CompleteAsync(PollTarget target, ReApiTask task, TimeSpan upstreamDuration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outputs = OutputsOf(target.JobId, task);
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var won = await InFlight(db, target.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Completed)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.UpstreamSeconds, upstreamDuration.TotalSeconds)
            .SetProperty(j => j.OutputJson, task.Output == null ? null : task.Output.ToJsonString())
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.PollCount, j => j.PollCount + 1)
            .SetProperty(j => j.LastPollError, (string?)null), cancellationToken) == 1;
        if (!won)
        {
            return false;
        }

        db.JobOutputs.AddRange(outputs);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        turn.Dispose(); // nothing that follows writes: let the next writer in
        LogCompleted(target.JobId, target.TaskId, outputs.Count);
        await notifier.PublishAsync(new JobEvent(target.JobId, target.OwnerId, target.ModelId, JobStatus.Completed, now));
        archiver.Enqueue(outputs.Select(o => o.Id));
        return true;
    }

    public async Task<bool> FailAsync(PollTarget target, ReApiTaskError? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = error?.Message ?? "reAPI reported the task as failed without a reason.";
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var won = await InFlight(db, target.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Failed)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.ErrorCode, error == null ? null : error.Code)
            .SetProperty(j => j.ErrorMessage, message)
            .SetProperty(j => j.LastPolledAt, now)
            .SetProperty(j => j.PollCount, j => j.PollCount + 1)
            .SetProperty(j => j.LastPollError, (string?)null), cancellationToken) == 1;
        if (won)
        {
            // Only the caller that moved the job to Failed books the refund; the unique index backs that up.
            await ledger.RefundAsync(db, target.JobId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            turn.Dispose();
            creditEvents.Notify(target.OwnerId);
            LogFailed(target.JobId, target.TaskId, error?.Code, message);
            await notifier.PublishAsync(new JobEvent(target.JobId, target.OwnerId, target.ModelId, JobStatus.Failed, now, message));
        }

        return won;
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
        if (stalled && await db.Jobs.Where(j => j.Id == target.JobId && j.Status == JobStatus.Processing)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Stalled), cancellationToken) == 1)
        {
            const string message = "No result long after this model's usual time. It is still checked, slowly; nothing is refunded until reAPI reports a failure.";
            await notifier.PublishAsync(new JobEvent(target.JobId, target.OwnerId, target.ModelId, JobStatus.Stalled, now, message));
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
        var status = await db.Jobs.Where(j => j.Id == target.JobId).Select(j => j.Status).SingleAsync(cancellationToken);
        await notifier.PublishAsync(new JobEvent(target.JobId, target.OwnerId, target.ModelId, status, now, message));
    }

    private static IQueryable<Job> InFlight(AppDbContext db, Guid jobId) =>
        db.Jobs.Where(j => j.Id == jobId && (j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled));

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
