using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>Where allowance periods begin and end in the team's time zone: local midnight, Monday, the 1st.</summary>
public static class CreditPeriods
{
    public static DateTimeOffset Start(QuotaPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var start = period switch
        {
            QuotaPeriod.Day => local,
            QuotaPeriod.Week => local.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
            QuotaPeriod.Month => new DateTime(local.Year, local.Month, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(period)),
        };
        return AtLocal(start, zone);
    }

    public static DateTimeOffset End(QuotaPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        var start = TimeZoneInfo.ConvertTime(Start(period, now, zone), zone).DateTime;
        var next = period switch
        {
            QuotaPeriod.Day => start.AddDays(1),
            QuotaPeriod.Week => start.AddDays(7),
            _ => start.AddMonths(1),
        };
        return AtLocal(next, zone);
    }

    public static string Adjective(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Day => "daily",
        QuotaPeriod.Week => "weekly",
        _ => "monthly",
    };

    /// <summary>The instant a local wall-clock time names; a time skipped by a clock change moves to the first valid one.</summary>
    private static DateTimeOffset AtLocal(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(30);
        }

        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }
}
