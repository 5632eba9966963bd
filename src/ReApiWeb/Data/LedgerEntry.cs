namespace ReApiWeb.Data;

/// <summary>What a ledger entry records. A job has at most one entry of each kind (a unique index).</summary>
public enum LedgerEntryKind
{
    /// <summary>Credits set aside when the job was admitted, against every allowance that applies.</summary>
    Hold,

    /// <summary>reAPI accepted the task: the hold became spending.</summary>
    Charge,

    /// <summary>reAPI refused the POST (or never received it): the hold is given back.</summary>
    Release,

    /// <summary>reAPI reported the task failed and refunded it: the charge is given back.</summary>
    Refund,

    /// <summary>An admin's correction with a reason: positive adds spending, negative gives credits back.</summary>
    Adjustment,

    /// <summary>A chat reply used more than its hold: the hold is raised by the difference before the charge (counts like a hold).</summary>
    TopUp,
}

/// <summary>
/// One append-only line of the credit ledger, booked to the person who caused it. Balances are sums of these:
/// reserved = holds − charges − releases, spent = charges − refunds + adjustments, and what counts against an
/// allowance is reserved + spent.
/// </summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }

    public Guid UserId { get; set; }

    public Guid? JobId { get; set; }

    /// <summary>The chat reply held, charged and released (instead of a job).</summary>
    public Guid? ChatReplyId { get; set; }

    /// <summary>The reAPI account the job was on when the entry was booked (null: the built-in sandbox, or no job). A
    /// charge and its refund name the account that took and gave back the credits; a hold, the one first chosen.</summary>
    public Guid? AccountId { get; set; }

    public LedgerEntryKind Kind { get; set; }

    /// <summary>Positive for every kind but adjustments, which carry their sign.</summary>
    public long Credits { get; set; }

    /// <summary>When the entry was booked.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The moment the credits count against an allowance: the hold's time for every entry of a job, so a
    /// refund gives back to the period its hold was taken from.</summary>
    public DateTimeOffset PeriodAt { get; set; }

    public string? ModelId { get; set; }

    /// <summary>How a hold was priced ("2 images × 50 credits (2k)"), or an adjustment's reason.</summary>
    public string? Note { get; set; }

    /// <summary>The admin who posted an adjustment.</summary>
    public Guid? ActorId { get; set; }
}
