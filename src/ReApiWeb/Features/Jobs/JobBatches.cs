using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// The outcome of a batch submission. When <see cref="BatchId"/> is null nothing was made: <see cref="Invalid"/> names
/// the requests (by index) that cannot be made, or <see cref="Refusal"/> the allowance their total does not fit.
/// </summary>
public sealed record BatchSubmitResult(Guid? BatchId, IReadOnlyList<Guid> JobIds, IReadOnlyDictionary<int, SubmitResult> Invalid, string? Refusal, long Credits)
{
    public IReadOnlyList<string> Notices { get; init; } = [];
}

/// <summary>A batch as its page shows it: what it is, whose, and how far its jobs have got.</summary>
public sealed record BatchView(Guid Id, JobBatchKind Kind, string Title, Guid OwnerId, string OwnerName, DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt, IReadOnlyList<Guid> JobIds, BatchProgress Progress);

/// <summary>How many of a batch's jobs wait to be sent, run, finished well, or ended otherwise (failed, refused, cancelled).</summary>
public sealed record BatchProgress(int Total, int Waiting, int Running, int Completed, int Ended)
{
    public int Finished => Completed + Ended;
}

/// <summary>What a batch would cost: the price of each request (null where it is invalid) and the total.</summary>
public sealed record BatchQuote(IReadOnlyList<long?> Prices, IReadOnlyDictionary<int, SubmitResult> Invalid)
{
    public long Total => Prices.Sum(p => p ?? 0);

    public bool Estimated { get; init; }

    /// <summary>Whether any of the prices is a placeholder (<see cref="ReApi.Client.Pricing.PriceQuote.Placeholder"/>).</summary>
    public bool Placeholder { get; init; }
}

/// <summary>
/// Makes several jobs in one go (a comparison, a list of prompts, variations): every request is checked and priced,
/// then all are admitted together against the person's allowances or none is, then they are sent — a comparison's at
/// once, a batch's one after another so that "cancel the rest" stops exactly the jobs that have not left.
/// Jobs admitted but not sent when the app stops are sent by the next start, like any other.
/// </summary>
public sealed partial class JobBatches(
    IDbContextFactory<AppDbContext> dbFactory,
    JobSubmitter submitter,
    JobAdmission admissions,
    WriteGate writes,
    JobStateMachine states,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JobBatches> logger)
{
    /// <summary>Most jobs one batch may hold.</summary>
    public const int MaxJobs = 100;

    /// <summary>Most models one comparison may hold.</summary>
    public const int MaxCompared = 4;

    private readonly ConcurrentDictionary<Guid, Task> _sending = new();

    /// <summary>Checks and prices every request without making anything: the total a person confirms.</summary>
    public async Task<BatchQuote> QuoteAsync(Guid ownerId, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
    {
        var prepared = await submitter.PrepareAsync(ownerId, requests, cancellationToken);
        return new BatchQuote(
            [.. prepared.Select(p => p.Draft?.Quote.Credits)],
            Failures(prepared))
        {
            Estimated = prepared.Any(p => p.Draft?.Quote.Estimated == true),
            Placeholder = prepared.Any(p => p.Draft?.Quote.Placeholder == true),
        };
    }

    public async Task<BatchSubmitResult> SubmitAsync(Guid ownerId, JobBatchKind kind, string title, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
    {
        var limit = kind == JobBatchKind.Compare ? MaxCompared : MaxJobs;
        if (requests.Count == 0 || requests.Count > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(requests), requests.Count, $"A {kind} takes 1 to {limit} jobs.");
        }

        var prepared = await submitter.PrepareAsync(ownerId, requests, cancellationToken);
        var invalid = Failures(prepared);
        var total = prepared.Sum(p => p.Draft?.Quote.Credits ?? 0);
        if (invalid.Count > 0)
        {
            return new BatchSubmitResult(null, [], invalid, null, total);
        }

        var drafts = prepared.Select(p => p.Draft!).ToList();

        JobBatch batch;
        IReadOnlyList<Job> jobs;
        Admission admission;
        try
        {
            (batch, jobs, admission) = await admissions.AdmitBatchAsync(ownerId, kind, title, drafts, cancellationToken);
        }
        catch (Exception e) when (StorageErrors.IsDiskFull(e))
        {
            LogDiskFull(ownerId, requests.Count);
            return new BatchSubmitResult(null, [], invalid, JobSubmitter.NotStoredMessage, total);
        }

        if (admission.Refusal is { } refusal)
        {
            LogRefused(ownerId, kind, requests.Count, total, refusal);
            return new BatchSubmitResult(null, [], invalid, refusal, total);
        }

        LogAdmitted(batch.Id, kind, jobs.Count, ownerId, total);
        var sending = kind == JobBatchKind.Batch ? SendInTurnAsync(batch.Id, jobs) : SendTogetherAsync(batch.Id, jobs);
        _sending[batch.Id] = sending;
        _ = sending.ContinueWith(_ => _sending.TryRemove(batch.Id, out Task? _), TaskScheduler.Default);
        return new BatchSubmitResult(batch.Id, [.. jobs.Select(j => j.Id)], invalid, null, total) { Notices = admission.Notices };
    }

    /// <summary>
    /// Cancels the jobs of a batch that have not been sent yet, giving back their holds; a job whose POST already
    /// left is not touched. Only the batch's owner may. Returns how many were cancelled, or null when the batch is not theirs.
    /// </summary>
    public async Task<int?> CancelRestAsync(Guid userId, Guid batchId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<Guid> waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.Batches.AnyAsync(b => b.Id == batchId && b.OwnerId == userId, cancellationToken))
            {
                return null;
            }

            waiting = await db.Jobs.AsNoTracking()
                .Where(j => j.BatchId == batchId && j.Status == JobStatus.Submitting && j.PostStartedAt == null)
                .OrderBy(j => j.BatchIndex)
                .Select(j => j.Id)
                .ToListAsync(cancellationToken);
        }

        // The same condition the sender claims a job with (its POST has not left), under the same write gate and in one
        // transaction: of the sender and this, exactly one wins each job.
        const string message = "Cancelled before it was sent. Nothing was charged.";
        var cancelled = await states.ApplyAllAsync(waiting, JobTransitions.Cancelled, s => s.SetProperty(j => j.ErrorMessage, message), message,
            where: j => j.PostStartedAt == null, cancellationToken: cancellationToken);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        using (await writes.EnterAsync(cancellationToken))
        {
            await db.Batches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s.SetProperty(b => b.CancelledAt, now), cancellationToken);
        }

        LogCancelled(batchId, cancelled.Count);
        return cancelled.Count;
    }

    /// <summary>A batch, to its owner or an admin; null for anyone else or when there is no such batch.</summary>
    public async Task<BatchView?> FindAsync(ReApiWeb.Features.Auth.CurrentUser user, Guid batchId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var batch = await db.Batches.AsNoTracking().Where(b => b.Id == batchId && (b.OwnerId == user.Id || user.IsAdmin))
            .Select(b => new { Batch = b, OwnerName = b.Owner!.DisplayName })
            .SingleOrDefaultAsync(cancellationToken);
        if (batch is null)
        {
            return null;
        }

        var jobs = await db.Jobs.AsNoTracking().Where(j => j.BatchId == batchId).OrderBy(j => j.BatchIndex)
            .Select(j => new { j.Id, j.Status, j.PostStartedAt }).ToListAsync(cancellationToken);
        var progress = new BatchProgress(
            jobs.Count,
            jobs.Count(j => j.Status == JobStatus.Submitting && j.PostStartedAt == null),
            jobs.Count(j => (j.Status == JobStatus.Submitting && j.PostStartedAt != null) || j.Status.IsInFlight() || j.Status == JobStatus.Unconfirmed),
            jobs.Count(j => j.Status == JobStatus.Completed),
            jobs.Count(j => j.Status is JobStatus.Failed or JobStatus.Rejected or JobStatus.Cancelled));
        var b = batch.Batch;
        return new BatchView(b.Id, b.Kind, b.Title, b.OwnerId, batch.OwnerName, b.CreatedAt, b.CancelledAt, [.. jobs.Select(j => j.Id)], progress);
    }

    /// <summary>Waits until this instance has sent (or given up on) every job of the batch it started sending.</summary>
    public Task SentAsync(Guid batchId) => _sending.TryGetValue(batchId, out var task) ? task : Task.CompletedTask;

    /// <summary>
    /// The requests for N variations of one request: the same parameters, without a fixed seed (so that they differ).
    /// </summary>
    public static IReadOnlyList<JobRequest> Variations(string modelId, JsonObject parameters, int count, Guid? sourceJobId)
    {
        var varied = (JsonObject)parameters.DeepClone();
        varied.Remove("seed");
        return [.. Enumerable.Range(0, count).Select(_ => new JobRequest(modelId, (JsonObject)varied.DeepClone(), Guid.NewGuid(), sourceJobId))];
    }

    private static Dictionary<int, SubmitResult> Failures(IReadOnlyList<PreparedJob> prepared) =>
        prepared.Select((p, i) => (p.Failure, i)).Where(p => p.Failure is not null).ToDictionary(p => p.i, p => p.Failure!);

    private async Task SendTogetherAsync(Guid batchId, IReadOnlyList<Job> jobs)
    {
        await Task.Yield();
        await Task.WhenAll(jobs.Select(job => SendOneAsync(batchId, job)));
    }

    private async Task SendInTurnAsync(Guid batchId, IReadOnlyList<Job> jobs)
    {
        await Task.Yield();
        foreach (var job in jobs)
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The rest stay admitted and unsent: the next start sends them.
                return;
            }

            await SendOneAsync(batchId, job);
        }
    }

    private async Task SendOneAsync(Guid batchId, Job job)
    {
        try
        {
            await submitter.SendAdmittedAsync(job, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogSendFailed(e, job.Id, batchId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} ({Kind}, {Count} jobs) by {OwnerId} admitted for {Credits} credits")]
    private partial void LogAdmitted(Guid batchId, JobBatchKind kind, int count, Guid ownerId, long credits);

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Kind} of {Count} jobs by {OwnerId} for {Credits} credits refused: {Reason}")]
    private partial void LogRefused(Guid ownerId, JobBatchKind kind, int count, long credits, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} jobs by {OwnerId} could not be saved: the disk is full")]
    private partial void LogDiskFull(Guid ownerId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId}: {Count} jobs not yet sent were cancelled")]
    private partial void LogCancelled(Guid batchId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending job {JobId} of batch {BatchId} failed")]
    private partial void LogSendFailed(Exception exception, Guid jobId, Guid batchId);
}
