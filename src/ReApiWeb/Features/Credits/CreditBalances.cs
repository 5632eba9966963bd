using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>
/// A person's credits as sums of the ledger (kept as running totals): <see cref="Reserved"/> by jobs not yet accepted or refused, what they
/// <see cref="Spent"/> this month and in all, and each allowance. <see cref="Available"/> is what the tightest
/// allowance leaves, or null when no allowance applies.
/// </summary>
public sealed record CreditBalance(long Reserved, long SpentThisMonth, long SpentTotal, IReadOnlyList<Allowance> Allowances)
{
    public long? Available => Allowances.Count == 0 ? null : Allowances.Min(a => a.Left);

    /// <summary>The allowance that leaves the least, the one a member should watch.</summary>
    public Allowance? Tightest => Allowances.OrderBy(a => a.Left).FirstOrDefault();
}

public sealed class CreditBalances(IDbContextFactory<AppDbContext> dbFactory, Allowances allowances, CreditTotals totals, TimeProvider time)
{
    /// <summary>Read from the running totals: a few rows, whatever the size of the person's ledger.</summary>
    public async Task<CreditBalance> ForUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await totals.ForAsync(db, userId, CreditTotalPeriod.All, now, cancellationToken);
        var month = await totals.ForAsync(db, userId, CreditTotalPeriod.Month, now, cancellationToken);
        return new CreditBalance(all.Reserved, month.Spent, all.Spent, await allowances.ForUserAsync(db, userId, now, cancellationToken));
    }
}
