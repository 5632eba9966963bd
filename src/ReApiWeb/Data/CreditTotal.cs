namespace ReApiWeb.Data;

/// <summary>The span a running total covers: one allowance period (starting at <see cref="CreditTotal.PeriodStart"/>), or all time.</summary>
public enum CreditTotalPeriod
{
    Day,
    Week,
    Month,
    All,
}

/// <summary>
/// A running total of the ledger for one person (or the whole team: <see cref="UserId"/> empty) over one period, kept
/// in the same transaction as every ledger entry so a balance or allowance check reads one row whatever the ledger's
/// size. The ledger stays the truth: <c>CreditTotals.VerifyAsync</c> recomputes these from it.
/// </summary>
public sealed class CreditTotal
{
    public Guid UserId { get; set; }

    public CreditTotalPeriod Period { get; set; }

    /// <summary>Where the period begins in the team's time zone; <see cref="DateTimeOffset.UnixEpoch"/> for all time.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>What counts against allowances: holds and adjustments less releases and refunds.</summary>
    public long Consumed { get; set; }

    /// <summary>Held and not yet charged or released.</summary>
    public long Reserved { get; set; }

    /// <summary>Charged less refunds, plus adjustments.</summary>
    public long Spent { get; set; }
}
