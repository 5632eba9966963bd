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
/// A running total of the ledger over one period for one person, for the whole team (<see cref="UserId"/> and
/// <see cref="AccountId"/> empty) or for one reAPI account (<see cref="AccountId"/> set: what was charged on it less
/// what it refunded, in <see cref="Spent"/> only). Kept in the same transaction as every ledger entry, so a balance,
/// allowance check or reconciliation reads one row whatever the ledger's size. The ledger stays the truth:
/// <c>CreditTotals.VerifyAsync</c> recomputes these from it.
/// </summary>
public sealed class CreditTotal
{
    /// <summary>Stands for the built-in sandbox in <see cref="AccountId"/> (whose jobs have no account).</summary>
    public static readonly Guid SandboxAccount = Guid.AllBitsSet;

    public Guid UserId { get; set; }

    /// <summary>The account of an account's row (<see cref="SandboxAccount"/> for the sandbox); empty on a person's or the team's.</summary>
    public Guid AccountId { get; set; }

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
