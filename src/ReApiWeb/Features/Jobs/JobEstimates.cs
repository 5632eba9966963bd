using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Jobs;

/// <summary>How long a job like this one usually runs at reAPI, from <see cref="Samples"/> finished jobs of its model (0: the catalog's figure).</summary>
public sealed record DurationEstimate(TimeSpan Typical, int Samples);

/// <summary>
/// How long a job usually runs, for people waiting on one: the median of the scheduler's own duration model
/// (<see cref="DurationModel"/>: its model's most recent finished jobs, for the request parameters that drive the
/// duration), read from the database so every instance says the same; a model's fit is kept a minute. When the
/// database cannot be read, the catalog's figure is given (a page never fails for want of an estimate).
/// </summary>
public sealed partial class JobEstimates(IDbContextFactory<AppDbContext> dbFactory, ModelCatalog catalog, TimeProvider time, ILogger<JobEstimates> logger)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DurationModel Model, DateTimeOffset At)> _kept = new(StringComparer.Ordinal);

    public async Task<DurationEstimate> ForAsync(string modelId, string durationClass, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_kept.TryGetValue(modelId, out var kept) || now - kept.At >= KeepFor)
        {
            kept = (await LearnAsync(modelId, cancellationToken), now);
            _kept[modelId] = kept;
        }

        var fit = kept.Model.For(durationClass);
        return new DurationEstimate(TimeSpan.FromSeconds(Math.Round(fit.Median.TotalSeconds)), fit.Samples);
    }

    private async Task<DurationModel> LearnAsync(string modelId, CancellationToken cancellationToken)
    {
        var model = new DurationModel(catalog.Find(modelId)?.TypicalDuration ?? TimeSpan.FromSeconds(30));
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var rows = await db.Jobs.AsNoTracking()
                .Where(j => j.ModelId == modelId && j.Status == JobStatus.Completed && j.UpstreamSeconds != null)
                .OrderByDescending(j => j.FinishedAt)
                .Take(DurationModel.MaxSamples)
                .Select(j => new { j.DurationClass, Seconds = j.UpstreamSeconds!.Value, AtLeast = j.UpstreamSecondsAtLeast })
                .ToListAsync(cancellationToken);
            foreach (var row in Enumerable.Reverse(rows))
            {
                model.Observe(UpstreamDuration.FromRow(row.Seconds, row.AtLeast), row.DurationClass);
            }
        }
        catch (System.Data.Common.DbException e)
        {
            LogReadFailed(e, modelId);
        }

        return model;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "How long {ModelId} jobs usually take could not be read; the catalog's figure is shown")]
    private partial void LogReadFailed(Exception exception, string modelId);
}
