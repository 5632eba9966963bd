using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Tests.Features.Credits;

public sealed class CreditPeriodsTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void Periods_start_at_local_midnight_on_the_day_monday_and_first_of_the_month()
    {
        var now = new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero); // Thursday 00:30 in Paris
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.FromHours(1)), CreditPeriods.Start(QuotaPeriod.Day, now, Paris));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(1)), CreditPeriods.Start(QuotaPeriod.Week, now, Paris));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(1)), CreditPeriods.Start(QuotaPeriod.Month, now, Paris));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(1)), CreditPeriods.End(QuotaPeriod.Month, now, Paris));
    }

    [Fact]
    public void A_day_across_a_clock_change_ends_at_the_next_local_midnight()
    {
        var now = new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero); // the day Paris moves to summer time
        var start = CreditPeriods.Start(QuotaPeriod.Day, now, Paris);
        var end = CreditPeriods.End(QuotaPeriod.Day, now, Paris);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)), start);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(2)), end);
        Assert.Equal(TimeSpan.FromHours(23), end - start);
    }

    [Fact]
    public void A_period_resets_in_utc_by_default_on_the_first_of_january()
    {
        var now = new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), CreditPeriods.End(QuotaPeriod.Month, now, TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), CreditPeriods.End(QuotaPeriod.Day, now, TimeZoneInfo.Utc));
    }
}
