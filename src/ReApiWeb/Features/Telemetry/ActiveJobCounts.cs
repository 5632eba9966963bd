using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// The jobs not yet at an end, by account and status, as last counted in the database (every
/// <see cref="ActiveJobCounts.Every"/>): what the <c>reapiweb.jobs.active</c> gauge reports. Every account and the
/// sandbox report every status, zeros too, so a series does not vanish when its work is done.
/// </summary>
public sealed partial class ActiveJobCounts(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, ILogger<ActiveJobCounts> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    private static readonly (JobStatus Status, string Label)[] Statuses =
        [(JobStatus.Submitting, "submitting"), (JobStatus.Processing, "processing"), (JobStatus.Stalled, "stalled"), (JobStatus.Unconfirmed, "unconfirmed")];

    private volatile IReadOnlyList<(string Account, string Status, long Count)> _current = [];

    public IReadOnlyList<(string Account, string Status, long Count)> Current => _current;

    /// <summary>The jobs not at an end, by account (null: the sandbox) and status, as the database holds them now: this gauge's and the System page's one query.</summary>
    public static async Task<IReadOnlyList<(Guid? AccountId, JobStatus Status, long Count)>> CountAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var active = Statuses.Select(s => s.Status).ToList();
        var counts = await db.Jobs.AsNoTracking().Where(j => active.Contains(j.Status))
            .GroupBy(j => new { j.AccountId, j.Status }).Select(g => new { g.Key.AccountId, g.Key.Status, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return [.. counts.Select(c => (c.AccountId, c.Status, c.Count))];
    }

    /// <summary>Counts now (the loop calls it; a test may too).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await CountAsync(db, cancellationToken);
        var accounts = await db.UpstreamAccounts.AsNoTracking().Select(a => (Guid?)a.Id).ToListAsync(cancellationToken);
        var list = new List<(string, string, long)>();
        foreach (var account in accounts.Prepend(null).Union(counts.Select(c => c.AccountId)))
        {
            var label = account?.ToString("N") ?? UpstreamClients.SandboxLabel;
            list.AddRange(Statuses.Select(s => (label, s.Label, counts.Where(c => c.AccountId == account && c.Status == s.Status).Sum(c => c.Count))));
        }

        _current = list;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the active jobs for the jobs.active gauge failed; it keeps its last counts")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
