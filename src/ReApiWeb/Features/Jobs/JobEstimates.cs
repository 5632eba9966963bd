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
/// so every instance says the same; kept a minute per model.
/// </summary>
public sealed class JobEstimates(IDbContextFactory<AppDbContext> dbFactory, ModelCatalog catalog, TimeProvider time)
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

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var seconds = await db.Jobs.AsNoTracking()
            .Where(j => j.ModelId == modelId && j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
            .OrderByDescending(j => j.FinishedAt)
            .Take(MaxSamples)
            .Select(j => j.UpstreamSeconds!.Value)
            .ToListAsync(cancellationToken);
        var estimate = seconds.Count == 0
            ? new DurationEstimate(catalog.Find(modelId)?.TypicalDuration ?? TimeSpan.FromSeconds(30), 0)
            : new DurationEstimate(TimeSpan.FromSeconds(seconds.Order().ElementAt(seconds.Count / 2)), seconds.Count);
        _kept[modelId] = (estimate, now);
        return estimate;
    }
}
