namespace ReApiWeb.Data;

/// <summary>Who an allowance caps: the whole team, one group together, or one person.</summary>
public enum QuotaScope
{
    Team,
    Group,
    User,
}

/// <summary>The span an allowance is counted over, aligned to the configured time zone (weeks start on Monday).</summary>
public enum QuotaPeriod
{
    Day,
    Week,
    Month,
}

/// <summary>An allowance in credits per period. There is at most one per scope, subject and period.</summary>
public sealed class Quota
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public QuotaScope Scope { get; set; }

    /// <summary>The group or user; null for the team.</summary>
    public Guid? SubjectId { get; set; }

    public QuotaPeriod Period { get; set; }

    public long Credits { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<QuotaGrant> Grants { get; set; } = [];
}

/// <summary>A temporary increase of an allowance, until it expires.</summary>
public sealed class QuotaGrant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid QuotaId { get; set; }

    public long Credits { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public required string Reason { get; set; }

    public Guid GrantedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>That a person was told they passed the warning share of an allowance in one period (so they are told once).</summary>
public sealed class QuotaNotice
{
    public Guid QuotaId { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Message { get; set; }
}
