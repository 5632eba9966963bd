using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Credits;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Credits;

/// <summary>Running totals: kept with every entry, read by balances and allowances, rebuilt from the ledger when needed.</summary>
public sealed class CreditTotalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adjustments_move_the_totals_that_balances_and_allowances_read_and_a_new_time_zone_rebuilds_them()
    {
        var data = TestApp.NewDataDirectory();
        Guid member;
        await using (var app = TestApp.Start(data))
        {
            member = await app.AddLocalUserAsync("member@test.local", "member-password-1");
            var admin = new Actor(await app.AdminIdAsync(), "Admin");
            var quotas = app.Services.GetRequiredService<QuotaAdmin>();
            await quotas.SetQuotaAsync(QuotaScope.User, member, QuotaPeriod.Month, 1_000, admin, Ct);
            await quotas.AdjustAsync(member, 300, "a correction", admin, Ct);
            await quotas.AdjustAsync(member, -100, "given back", admin, Ct);

            var balance = await app.Services.GetRequiredService<CreditBalances>().ForUserAsync(member, Ct);
            Assert.Equal((200, 200, 0), (balance.SpentThisMonth, balance.SpentTotal, balance.Reserved));
            Assert.Equal(800, balance.Available);
            Assert.Empty(await app.Services.GetRequiredService<CreditTotals>().VerifyAsync(Ct));

            // Totals out of step with the ledger (a bug, a hand edit) are found by the check.
            await using var db = await app.DbAsync();
            await db.CreditTotals.Where(t => t.UserId == member && t.Period == CreditTotalPeriod.All).ExecuteUpdateAsync(s => s.SetProperty(t => t.Spent, 5), Ct);
            Assert.Single(await app.Services.GetRequiredService<CreditTotals>().VerifyAsync(Ct));
        }

        // Another time zone cuts periods elsewhere: the totals are rebuilt from the ledger at start (which also repairs them).
        await using var moved = TestApp.Start(data, new Dictionary<string, string?> { ["Credits:TimeZone"] = "Pacific/Kiritimati" });
        Assert.Empty(await moved.Services.GetRequiredService<CreditTotals>().VerifyAsync(Ct));
        await using var after = await moved.DbAsync();
        Assert.Equal("Pacific/Kiritimati", await after.Settings.Where(s => s.Key == CreditTotals.ZoneSetting).Select(s => s.Value).SingleAsync(Ct));
        Assert.Equal(200, (await moved.Services.GetRequiredService<CreditBalances>().ForUserAsync(member, Ct)).SpentTotal);
    }
}
