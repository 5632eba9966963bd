using ReApiWeb.Features.Cluster;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Copies every output into the app's storage as soon as a job completes, because upstream URLs may expire.
/// Failed downloads are retried with backoff and the reason is kept on the output; nothing is dropped silently.
/// Each archived output gets its gallery preview (<see cref="Thumbnails"/>) right after; outputs archived before
/// previews existed get theirs when the app starts. An output is claimed in its row before it is fetched, so two
/// instances (a leader and the one taking over from it) never fetch or write the same output at once.
/// </summary>
public sealed partial class OutputArchiver(
    IDbContextFactory<AppDbContext> dbFactory,
    IHttpClientFactory httpFactory,
    IEventBus bus,
    Thumbnails thumbnails,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILeadership leadership,
    InstanceRegistry instance,
    Telemetry.AppMetrics metrics,
    ILogger<OutputArchiver> logger) : LeaderService(leadership)
{
    public const string HttpClientName = "outputs";
    public const int MaxAttempts = 5;

    /// <summary>How long one download may take.</summary>
    public static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How long a claim holds: longer than any download and preview, so only a dead instance's claim runs out.</summary>
    public static readonly TimeSpan ClaimLifetime = 2 * DownloadTimeout;

    /// <summary>How soon an output claimed by another live instance is looked at again (that instance may die meanwhile).</summary>
    private static readonly TimeSpan ClaimedElsewhereRecheck = TimeSpan.FromSeconds(30);

    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();

    // Attempts that failed before they could be recorded on the output (the database itself could not be written).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _unrecorded = new();

    public void Enqueue(IEnumerable<Guid> outputIds)
    {
        foreach (var id in outputIds)
        {
            _queue.Writer.TryWrite(id);
        }
    }

    protected override async Task LeadAsync(CancellationToken term)
    {
        Enqueue(await StartupReads.UntilTheDatabaseAnswersAsync(async ct =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await db.JobOutputs
                .Where(o => (o.StoragePath == null && o.EvictedAt == null && o.ArchiveAttempts < MaxAttempts) || (o.StoragePath != null && o.ThumbnailPath == null))
                .Select(o => o.Id).ToListAsync(ct);
        }, LogPendingReadFailed, time, term));

        await foreach (var id in _queue.Reader.ReadAllAsync(term))
        {
            try
            {
                await ArchiveAsync(id, term);
                _unrecorded.TryRemove(id, out _);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Bounded like recorded attempts, so a full disk is not retried forever.
                var attempt = _unrecorded.AddOrUpdate(id, 1, (_, n) => n + 1);
                if (StorageErrors.IsDiskFull(e))
                {
                    LogDiskFull(id, attempt);
                }
                else
                {
                    LogArchiveCrashed(e, id);
                }

                if (attempt < MaxAttempts)
                {
                    RetryLater(id, Backoff(attempt), term);
                }
                else
                {
                    _unrecorded.TryRemove(id, out _);
                }
            }
        }
    }

    private async Task ArchiveAsync(Guid outputId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var claimedUntil = now + ClaimLifetime;

        // A claim holds only while its instance lives: alone on SQLite every other claim was left by a process that is
        // gone (killed mid-copy, or stopped before it could give the claim up); with others, a claimant not seen lately.
        var live = await instance.LiveNowAsync(db, cancellationToken);

        try
        {
            var claimed = await db.JobOutputs
                .Where(o => o.Id == outputId && (o.StoragePath == null || o.ThumbnailPath == null)
                    && (o.ArchiveClaimedUntil == null || o.ArchiveClaimedUntil < now || !live.Contains(o.ArchiveClaimedBy!.Value)))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ArchiveClaimedBy, instance.Id).SetProperty(o => o.ArchiveClaimedUntil, claimedUntil), cancellationToken);
            var output = await db.JobOutputs.SingleOrDefaultAsync(o => o.Id == outputId, cancellationToken);
            if (output is null || (output.StoragePath is not null && output.ThumbnailPath is not null))
            {
                return;
            }

            if (claimed == 0)
            {
                // Another live instance is copying it; should it die doing so, this one tries when it is gone or the claim runs out.
                LogClaimedElsewhere(output.JobId, output.Index, output.ArchiveClaimedBy);
                RetryLater(outputId, Min((output.ArchiveClaimedUntil ?? now) - now, ClaimedElsewhereRecheck) + TimeSpan.FromSeconds(1), cancellationToken);
                return;
            }

            await ArchiveClaimedAsync(db, output, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended after the claim was (perhaps) taken: it is given up, so the next leader copies the output at
            // once, not when it runs out (if the database does not take that within a few seconds, the claim simply runs out).
            try
            {
                using var briefly = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await using var release = await dbFactory.CreateDbContextAsync(briefly.Token);
                await release.JobOutputs.Where(o => o.Id == outputId && o.ArchiveClaimedBy == instance.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ArchiveClaimedBy, (Guid?)null).SetProperty(o => o.ArchiveClaimedUntil, (DateTimeOffset?)null), briefly.Token);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
            {
                LogClaimKept(e, outputId);
            }

            throw;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task ArchiveClaimedAsync(AppDbContext db, JobOutput output, CancellationToken cancellationToken)
    {
        output.ArchiveClaimedBy = null;
        output.ArchiveClaimedUntil = null;
        if (output.StoragePath is not null)
        {
            output.ThumbnailPath = await thumbnails.MakeAsync(output.StoragePath, output.Kind, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == output.JobId).Select(j => new { j.OwnerId, j.ModelId, j.Status, j.Visibility, j.AccountId }).SingleAsync(cancellationToken);
        using var span = Telemetry.JobTracing.Start("archive", output.JobId, job.ModelId, job.AccountId);
        span?.SetTag("reapiweb.output.index", output.Index);
        output.ArchiveAttempts++;
        try
        {
            var (path, contentType, size) = await DownloadAsync(output, cancellationToken);
            await MakeRoomAsync(db, output.Id, size, cancellationToken);
            output.StoragePath = path;
            output.ContentType = contentType;
            output.SizeBytes = size;
            output.ArchivedAt = time.GetUtcNow();
            output.ArchiveError = null;
            output.ThumbnailPath = await thumbnails.MakeAsync(path, output.Kind, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = StorageErrors.IsDiskFull(e) ? StorageErrors.DiskFullMessage : e.Message;
            output.ArchiveError = $"Copying the output failed (attempt {output.ArchiveAttempts} of {MaxAttempts}): {reason}"
                + (output.ArchiveAttempts < MaxAttempts ? " It will be tried again." : " It will not be tried again; reAPI's link is kept below.");
            LogArchiveFailed(output.JobId, output.Index, output.ArchiveAttempts, reason);
            Telemetry.JobTracing.Failed(span, reason);
            if (output.ArchiveAttempts < MaxAttempts)
            {
                RetryLater(output.Id, Backoff(output.ArchiveAttempts), cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (output.ArchivedAt is not null && output.ArchiveError is null)
        {
            metrics.Archived(output.SizeBytes ?? 0);
        }

        bus.Publish(new JobEvent(output.JobId, job.OwnerId, job.ModelId, job.Status, time.GetUtcNow(), output.ArchiveError, job.Visibility == JobVisibility.Team));
    }

    private async Task<(string Path, string? ContentType, long Size)> DownloadAsync(JobOutput output, CancellationToken cancellationToken)
    {
        var http = httpFactory.CreateClient(HttpClientName);
        using var response = await http.GetAsync(output.UpstreamUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var max = Math.Min(storage.Value.MaxOutputBytes, storage.Value.MaxArchiveBytes);
        if (response.Content.Headers.ContentLength > max)
        {
            throw LimitedFileCopy.TooLarge(max);
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        var relative = Path.Combine(output.JobId.ToString("N"), $"{output.Kind.ToString().ToLowerInvariant()}-{output.Index}{Extension(contentType, output.UpstreamUrl)}");
        var full = Path.Combine(storage.Value.ResolvedOutputsDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var partial = full + ".part";
        long size;
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            size = await LimitedFileCopy.CopyAsync(source, partial, max, cancellationToken);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        File.Move(partial, full, overwrite: true);
        return (relative, contentType, size);
    }

    /// <summary>
    /// Keeps the archive under <see cref="StorageOptions.MaxArchiveBytes"/> by removing the oldest archived copies.
    /// Only the leader archives, one output at a time, so the sum races with another archiving only while a new leader
    /// takes over from one still finishing a copy (the archive then exceeds its limit by that copy at most, until the next).
    /// </summary>
    private async Task MakeRoomAsync(AppDbContext db, Guid incomingId, long incomingBytes, CancellationToken cancellationToken)
    {
        var limit = storage.Value.MaxArchiveBytes;
        var used = await db.JobOutputs.Where(o => o.StoragePath != null && o.Id != incomingId).SumAsync(o => o.SizeBytes ?? 0, cancellationToken);
        while (used + incomingBytes > limit)
        {
            var oldest = await db.JobOutputs.Where(o => o.StoragePath != null && o.Id != incomingId)
                .OrderBy(o => o.ArchivedAt).Take(50).ToListAsync(cancellationToken);
            if (oldest.Count == 0)
            {
                return;
            }

            foreach (var victim in oldest.TakeWhile(_ => used + incomingBytes > limit))
            {
                used -= victim.SizeBytes ?? 0;
                Evict(victim, storage.Value.ResolvedOutputsDirectory, time.GetUtcNow(), $"to keep it under its limit of {LimitedFileCopy.Describe(limit)}");
                LogEvicted(victim.JobId, victim.Index, victim.SizeBytes ?? 0);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Deletes an archived output's file (its preview stays) and says why on the output, which keeps reAPI's link:
    /// the archive's size limit, or retention. The caller saves the change.
    /// </summary>
    internal static void Evict(JobOutput output, string outputsFolder, DateTimeOffset at, string why)
    {
        File.Delete(Path.Combine(outputsFolder, output.StoragePath!));
        output.StoragePath = null;
        output.EvictedAt = at;
        output.ArchiveError = $"Removed from the archive {why}; reAPI's link is kept below.";
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(2 * Math.Pow(3, attempt - 1));

    private void RetryLater(Guid outputId, TimeSpan delay, CancellationToken cancellationToken) =>
        _ = Task.Delay(delay, time, cancellationToken).ContinueWith(t =>
        {
            if (!t.IsCanceled)
            {
                _queue.Writer.TryWrite(outputId);
            }
        }, TaskScheduler.Default);

    private static string Extension(string? contentType, string url) =>
        MediaTypes.ExtensionFor(contentType)
        ?? (Path.GetExtension(new Uri(url).AbsolutePath) is { Length: > 1 and <= 6 } ext ? ext : ".bin");

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the outputs left to archive failed; trying again in {Seconds} s")]
    private partial void LogPendingReadFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archiving output {Index} of job {JobId} failed (attempt {Attempt}): {Reason}")]
    private partial void LogArchiveFailed(Guid jobId, int index, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed output {Index} of job {JobId} ({Size} bytes) from the archive to stay under its size limit")]
    private partial void LogEvicted(Guid jobId, int index, long size);

    [LoggerMessage(Level = LogLevel.Error, Message = "Archiving output {OutputId} could not be recorded (attempt {Attempt}): the disk is full")]
    private partial void LogDiskFull(Guid outputId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Output {Index} of job {JobId} is being copied by instance {Instance}; it is left to it")]
    private partial void LogClaimedElsewhere(Guid jobId, int index, Guid? instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim on output {OutputId} could not be given up; another instance copies it once the claim runs out")]
    private partial void LogClaimKept(Exception exception, Guid outputId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Archiving output {OutputId} failed unexpectedly")]
    private partial void LogArchiveCrashed(Exception exception, Guid outputId);
}
