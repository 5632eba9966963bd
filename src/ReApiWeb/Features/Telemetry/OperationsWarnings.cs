using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Telemetry;

/// <summary>What the balances say now: the warnings for admins, and whether the team's balance is about to stop work.</summary>
public sealed record BalanceWarnings(IReadOnlyList<string> ForAdmins, bool TeamBalanceLow, DateTimeOffset At);

/// <summary>
/// The warnings reconciliation raises (drift past its threshold, a balance at 0 or running out within
/// <see cref="ShortRunway"/>), for the System page, the admin menu's badge and the banners of every page. Kept until
/// a balance is read again (<see cref="BalanceRead"/>, from any instance) or <see cref="Fresh"/> passes (the runway
/// moves with spending), so the banner in every page costs no query.
/// </summary>
public sealed class OperationsWarnings(Reconciliation reconciliation, IEventBus bus, TimeProvider time) : IDisposable
{
    /// <summary>A runway shorter than this is a warning, and the members' banner.</summary>
    public static readonly TimeSpan ShortRunway = TimeSpan.FromDays(1);

    public static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

    private readonly SnapshotCache<BalanceWarnings> _cache = new(bus, EventTopic.Balances);

    public async Task<BalanceWarnings> ReadAsync(CancellationToken cancellationToken)
    {
        if (_cache.Get(out var generation) is { } kept && time.GetUtcNow() - kept.At < Fresh)
        {
            return kept;
        }

        var warnings = new List<string>();
        var low = false;
        foreach (var report in await reconciliation.ReportsAsync(cancellationToken))
        {
            if (report.Warning)
            {
                warnings.Add($"{report.Account}: reAPI's balance fell {report.Drift:N0} credits more than the ledger explains.");
            }

            if (report.Balance is <= 0)
            {
                warnings.Add($"{report.Account}: reAPI's balance is {report.Balance:N0} credits; jobs sent on it will be refused.");
            }
            else if (report.Runway is { } runway && runway < ShortRunway)
            {
                warnings.Add($"{report.Account}: at the last day's pace the balance ({report.Balance:N0} credits) runs out in {Math.Max(1, (int)runway.TotalHours)} h.");
            }
            else
            {
                continue;
            }

            // The sandbox's balance is make-believe: it warns admins, not the team.
            low |= report.AccountId is not null;
        }

        var read = new BalanceWarnings(warnings, low, time.GetUtcNow());
        _cache.Keep(read, generation);
        return read;
    }

    public void Dispose() => _cache.Dispose();
}
