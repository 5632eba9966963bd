namespace ReApiWeb.Features.Credits;

/// <summary>How allowances are counted and how the ledger is reconciled with reAPI.</summary>
public sealed class CreditsOptions
{
    public const string SectionName = "Credits";

    /// <summary>The IANA time zone that days, weeks (from Monday) and months of allowances follow.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The share of an allowance at which a person is told, once per period.</summary>
    public double NoticeShare { get; set; } = 0.8;

    /// <summary>How often reAPI's balance is read for reconciliation (one request from the shared budget each time).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Drift (in credits) between reAPI's balance and the ledger above which admins are warned.</summary>
    public long DriftWarningCredits { get; set; } = 100;

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
