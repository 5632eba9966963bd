using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

public sealed class AccountSeedTests
{
    private const string Seed = "rk_live_seeded_from_config_9876";

    [Fact]
    public async Task An_account_removed_by_an_admin_is_not_seeded_again_at_the_next_start()
    {
        var data = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?> { ["ReApi:ApiKey"] = Seed };
        await using (var first = TestApp.Start(data, settings))
        {
            var accounts = first.Services.GetRequiredService<UpstreamAccounts>();
            var seeded = Assert.Single(await accounts.ListAsync(CancellationToken.None));
            Assert.Equal(("Default", "9876"), (seeded.Name, seeded.KeyLast4));
            Assert.Null(await accounts.RemoveAsync(seeded.Id, new Actor(await first.AdminIdAsync(), "Admin"), CancellationToken.None));
        }

        await using var second = TestApp.Start(data, settings);
        Assert.Empty(await second.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None));
        Assert.True(await second.Services.GetRequiredService<UpstreamMode>().IsSandboxAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_stored_key_is_encrypted_in_the_database()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["ReApi:ApiKey"] = Seed });
        await using var db = await app.DbAsync();
        var stored = await db.UpstreamAccounts.Select(a => a.ProtectedKey).SingleAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.DoesNotContain("seeded_from_config", stored, StringComparison.Ordinal);
    }
}
