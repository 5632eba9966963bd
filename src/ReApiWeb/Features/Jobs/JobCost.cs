using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Jobs;

/// <summary>What a job cost, from its ledger entries: held while it runs, charged once reAPI took it, released or refunded.</summary>
public sealed record JobCost(long Held, long Charged, long Released, long Refunded)
{
    public static readonly JobCost None = new(0, 0, 0, 0);

    public static JobCost From(IEnumerable<(LedgerEntryKind Kind, long Credits)> entries)
    {
        var list = entries.ToList();
        long Sum(LedgerEntryKind kind) => list.Where(e => e.Kind == kind).Sum(e => e.Credits);
        return new JobCost(Sum(LedgerEntryKind.Hold), Sum(LedgerEntryKind.Charge), Sum(LedgerEntryKind.Release), Sum(LedgerEntryKind.Refund));
    }

    /// <summary>What the job costs the person now.</summary>
    public long Spent => Charged - Refunded;

    /// <summary>"30 credits ($0.03)", "30 credits held", "30 credits refunded", "nothing charged", or a dash before anything was booked.</summary>
    public string Describe() =>
        Refunded > 0 ? $"{Refunded:N0} credits refunded"
        : Charged > 0 ? $"{Charged:N0} credits ({Money.Dollars(Charged)})"
        : Released > 0 ? "nothing charged"
        : Held > 0 ? $"{Held:N0} credits held"
        : "—";

    /// <summary>The same in a few characters, for a tile: "30 credits", "refunded", "held", "free".</summary>
    public string Brief() =>
        Refunded > 0 ? "refunded"
        : Charged > 0 ? $"{Charged:N0} credits"
        : Released > 0 ? "free"
        : Held > 0 ? $"{Held:N0} held"
        : "";
}
