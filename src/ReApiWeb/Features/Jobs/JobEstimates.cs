using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>How long a model's jobs usually run at reAPI, from <see cref="Samples"/> finished jobs (0: the catalog's figure).</summary>
public sealed record DurationEstimate(TimeSpan Typical, int Samples);

/// <summary>
/// How long a model's jobs usually run, for people waiting on one: the median upstream duration of its most recent
/// finished jobs (the durations the poller learns from), else the catalog's typical duration. Read from the database,
/// so every instance says the same; kept a minute per model. When the database cannot be read, the catalog's figure
/// is given (a page never fails for want of an estimate).
/// </summary>
public sealed partial class JobEstimates(IDbContextFactory<AppDbContext> dbFactory, ModelCatalog catalog, TimeProvider time, ILogger<JobEstimates> logger)
{
    public const int MaxSamples = 50;
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DurationEstimate Estimate, DateTimeOffset At)> _kept = new(StringComparer.Ordinal);

    public async Task<DurationEstimate> ForAsync(string modelId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_kept.TryGetValue(modelId, out var kept) && now - kept.At < KeepFor)
        {
            return kept.Estimate;
        }

        List<double> seconds;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            seconds = await db.Jobs.AsNoTracking()
                .Where(j => j.ModelId == modelId && j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
                .OrderByDescending(j => j.FinishedAt)
                .Take(MaxSamples)
                .Select(j => j.UpstreamSeconds!.Value)
                .ToListAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException e)
        {
            LogReadFailed(e, modelId);
            seconds = [];
        }

        var estimate = seconds.Count == 0
            ? new DurationEstimate(catalog.Find(modelId)?.TypicalDuration ?? TimeSpan.FromSeconds(30), 0)
            : new DurationEstimate(TimeSpan.FromSeconds(seconds.Order().ElementAt(seconds.Count / 2)), seconds.Count);
        _kept[modelId] = (estimate, now);
        return estimate;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "How long {ModelId} jobs usually take could not be read; the catalog's figure is shown")]
    private partial void LogReadFailed(Exception exception, string modelId);
}
