using ReApiWeb.Features.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Credits;

/// <summary>One reading of reAPI's balance compared with the ledger since the reading before it.</summary>
public sealed record DriftPoint(DateTimeOffset At, long Balance, long ReApiDrop, long Booked)
{
    /// <summary>What reAPI took that the ledger does not explain (negative: the ledger booked more than reAPI took).</summary>
    public long Drift => ReApiDrop - Booked;
}

/// <summary>
/// The comparison over the window: <see cref="Drift"/> is reAPI's drop in balance less the ledger's charges minus
/// refunds between the first and the last reading. <see cref="BurnPerHour"/> is the ledger's net spending per hour
/// since the first reading of the last day, and <see cref="Runway"/> how long the last balance lasts at that rate.
/// </summary>
public sealed record ReconciliationReport(string Account, IReadOnlyList<DriftPoint> Points, long Drift, bool Warning, long DriftWarningCredits, double BurnPerHour, TimeSpan? Runway)
{
    /// <summary>The account read; null: the sandbox.</summary>
    public Guid? AccountId { get; init; }

    public long? Balance => Points.Count == 0 ? null : Points[^1].Balance;

    public DateTimeOffset? Since => Points.Count == 0 ? null : Points[0].At;
}

/// <summary>
/// Reads each account's balance (one request from that account's budget) and compares its drop with the ledger's
/// charges and refunds of the jobs sent on that account: each reading stores the account's running total
/// (<see cref="CreditTotals.ForAccountAsync"/>), so a report reads readings and one total, never the ledger. Charges are booked when reAPI answers the POST and refunds when
/// a poll sees the failure, so a reading taken in between shows a drift that the next reading takes back; a warning
/// needs the drift above the threshold at two readings in a row. The sandbox (account null) is read while jobs go to it.
/// </summary>
public sealed partial class Reconciliation(
    IDbContextFactory<AppDbContext> dbFactory,
    UpstreamClients clients,
    UpstreamAccounts accounts,
    UpstreamMode mode,
    CreditTotals totals,
    IOptions<CreditsOptions> options,
    Events.IEventBus bus,
    TimeProvider time,
    ILogger<Reconciliation> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>
    /// Reads every account's balance now and stores the readings; false (with the reasons logged) when one could not
    /// be read. A successful reading of an account whose key was untested counts as its test.
    /// </summary>
    public async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        var all = true;
        foreach (var (id, name, untested) in await ReadableAsync(cancellationToken))
        {
            all &= await ReadOneAsync(id, name, untested, cancellationToken);
        }

        return all;
    }

    private async Task<bool> ReadOneAsync(Guid? accountId, string name, bool untested, CancellationToken cancellationToken)
    {
        long balance;
        try
        {
            balance = await (await clients.ClientAsync(accountId, cancellationToken)).GetBalanceAsync(cancellationToken);
        }
        catch (ReApiException e)
        {
            LogReadFailed(name, e.Kind, e.Message);
            return false;
        }

        if (untested && accountId is { } id)
        {
            await accounts.RecordTestAsync(id, null, keyRefused: false, cancellationToken);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var booked = await totals.ForAccountAsync(db, accountId, CreditTotalPeriod.All, now, cancellationToken);
            db.BalanceReadings.Add(new BalanceReading { At = now, Balance = balance, AccountId = accountId, Booked = booked.Spent });
            await db.SaveChangesAsync(cancellationToken);
        }

        bus.Publish(new BalanceRead());

        var report = await ReportAsync(accountId, cancellationToken);
        if (report.Warning)
        {
            LogDrift(report.Drift, report.Account, report.Since);
        }

        return true;
    }

    /// <summary>The report of the account new jobs go to first (the default), or of the sandbox.</summary>
    public async Task<ReconciliationReport> ReportAsync(CancellationToken cancellationToken) =>
        (await ReportsAsync(cancellationToken)).FirstOrDefault() ?? await ReportAsync(null, cancellationToken);

    /// <summary>One report per account (the default first), and the sandbox's while jobs go to it.</summary>
    public async Task<IReadOnlyList<ReconciliationReport>> ReportsAsync(CancellationToken cancellationToken)
    {
        var reports = new List<ReconciliationReport>();
        foreach (var (id, _, _) in await ReadableAsync(cancellationToken))
        {
            reports.Add(await ReportAsync(id, cancellationToken));
        }

        return reports;
    }

    public async Task<ReconciliationReport> ReportAsync(Guid? accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var name = accountId is { } id ? (await accounts.FindAsync(id, cancellationToken))?.Name ?? "a removed account" : "sandbox";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = now - Window;
        var readings = await db.BalanceReadings.AsNoTracking().Where(r => r.AccountId == accountId && r.At >= since).OrderBy(r => r.At).ToListAsync(cancellationToken);
        var points = readings.Select((r, i) => i == 0
            ? new DriftPoint(r.At, r.Balance, 0, 0)
            : new DriftPoint(r.At, r.Balance, readings[i - 1].Balance - r.Balance, r.Booked - readings[i - 1].Booked)).ToList();
        long Cumulative(int upTo) => points.Take(upTo + 1).Sum(p => p.Drift);
        var drift = points.Count == 0 ? 0 : Cumulative(points.Count - 1);
        var threshold = options.Value.DriftWarningCredits;
        var warning = points.Count >= 3 && Math.Abs(drift) > threshold && Math.Abs(Cumulative(points.Count - 2)) > threshold;

        // Burn: what the ledger booked on the account since the first reading of the last day (per hour, at least one).
        var dayAgo = now - TimeSpan.FromDays(1);
        var burn = 0.0;
        if (readings.FirstOrDefault(r => r.At >= dayAgo) is { } first)
        {
            var bookedNow = (await totals.ForAccountAsync(db, accountId, CreditTotalPeriod.All, now, cancellationToken)).Spent;
            burn = (bookedNow - first.Booked) / Math.Max(1, (now - first.At).TotalHours);
        }

        TimeSpan? runway = burn > 0 && points.Count > 0 ? TimeSpan.FromHours(points[^1].Balance / burn) : null;
        return new ReconciliationReport(name, points, drift, warning, threshold, burn, runway) { AccountId = accountId };
    }

    /// <summary>The accounts with a key (in their order), then the sandbox while new jobs go to it.</summary>
    private async Task<IReadOnlyList<(Guid? Id, string Name, bool Untested)>> ReadableAsync(CancellationToken cancellationToken)
    {
        var list = (await accounts.ListAsync(cancellationToken)).Where(a => a.HasKey)
            .Select(a => ((Guid?)a.Id, a.Name, a.KeyTestedAt is null)).ToList();
        if (await mode.IsSandboxAsync(cancellationToken))
        {
            list.Add((null, "sandbox", false));
        }

        return list;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading reAPI's balance of {Account} for reconciliation failed: {Kind} {Message}")]
    private partial void LogReadFailed(string account, ReApiErrorKind kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Credit drift: reAPI's balance ({Account}) fell {Drift} credits more than the ledger explains since {Since}")]
    private partial void LogDrift(long drift, string account, DateTimeOffset? since);
}

/// <summary>
/// Reads reAPI's balance every <see cref="CreditsOptions.ReconcileInterval"/> for <see cref="Reconciliation"/>. A reading
/// that cannot be stored (a full disk, a database error) is logged and tried again at the next interval; it never
/// stops the app.
/// </summary>
public sealed partial class BalanceReader(Reconciliation reconciliation, IOptions<CreditsOptions> options, TimeProvider time, ILeadership leadership, ILogger<BalanceReader> logger) : LeaderService(leadership)
{
    protected override async Task LeadAsync(CancellationToken term)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        do
        {
            try
            {
                await reconciliation.ReadAsync(term);
            }
            catch (Exception e) when (StorageErrors.IsDiskFull(e))
            {
                LogDiskFull();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(term));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "reAPI's balance could not be stored: the disk is full; trying again at the next interval")]
    private partial void LogDiskFull();

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading reAPI's balance failed; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
