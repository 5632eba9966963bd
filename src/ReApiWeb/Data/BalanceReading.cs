namespace ReApiWeb.Data;

/// <summary>reAPI's balance as read at one moment, for reconciliation with the ledger.</summary>
public sealed class BalanceReading
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public long Balance { get; set; }

    /// <summary>The account read (null: the built-in sandbox); readings of different accounts are never compared.</summary>
    public Guid? AccountId { get; set; }

    /// <summary>What the ledger had booked on the account by then, all time: charges less refunds. Two readings' drop in
    /// balance is compared with the difference of theirs.</summary>
    public long Booked { get; set; }
}
