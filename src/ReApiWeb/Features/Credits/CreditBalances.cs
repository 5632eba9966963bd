using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>
/// A person's credits as sums of the ledger: <see cref="Reserved"/> by jobs not yet accepted or refused, what they
/// <see cref="Spent"/> this month and in all, and each allowance. <see cref="Available"/> is what the tightest
/// allowance leaves, or null when no allowance applies.
/// </summary>
public sealed record CreditBalance(long Reserved, long SpentThisMonth, long SpentTotal, IReadOnlyList<Allowance> Allowances)
{
    public long? Available => Allowances.Count == 0 ? null : Allowances.Min(a => a.Left);

    /// <summary>The allowance that leaves the least, the one a member should watch.</summary>
    public Allowance? Tightest => Allowances.OrderBy(a => a.Left).FirstOrDefault();
}

public sealed class CreditBalances(IDbContextFactory<AppDbContext> dbFactory, Allowances allowances, TimeProvider time)
{
    public async Task<CreditBalance> ForUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = db.Ledger.Where(e => e.UserId == userId);
        var monthStart = CreditPeriods.Start(QuotaPeriod.Month, now, allowances.Zone);
        return new CreditBalance(
            await Reserved(mine, cancellationToken),
            await Spent(mine.Where(e => e.PeriodAt >= monthStart), cancellationToken),
            await Spent(mine, cancellationToken),
            await allowances.ForUserAsync(db, userId, now, cancellationToken));
    }

    /// <summary>Held and not yet charged or released.</summary>
    public static Task<long> Reserved(IQueryable<LedgerEntry> entries, CancellationToken cancellationToken) =>
        entries.SumAsync(e => e.Kind == LedgerEntryKind.Hold ? e.Credits
            : e.Kind == LedgerEntryKind.Charge || e.Kind == LedgerEntryKind.Release ? -e.Credits : 0, cancellationToken);

    /// <summary>Charged, less refunds, plus adjustments.</summary>
    public static Task<long> Spent(IQueryable<LedgerEntry> entries, CancellationToken cancellationToken) =>
        entries.SumAsync(e => e.Kind == LedgerEntryKind.Charge || e.Kind == LedgerEntryKind.Adjustment ? e.Credits
            : e.Kind == LedgerEntryKind.Refund ? -e.Credits : 0, cancellationToken);
}
