namespace ReApiWeb.Data;

/// <summary>One change an admin made, or one sign-in (failed or not), kept for the audit log.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid? ActorId { get; set; }

    public required string ActorName { get; set; }

    /// <summary>What was done, as a short code: "price.set", "quota.set", "ledger.adjust"…</summary>
    public required string Action { get; set; }

    public required string Details { get; set; }

    /// <summary>The network address the request came from, when there was one.</summary>
    public string? Address { get; set; }
}
