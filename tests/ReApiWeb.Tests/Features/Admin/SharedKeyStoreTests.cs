using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Admin;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

public sealed class SharedKeyStoreTests
{
    private const string Seed = "rk_live_seeded_from_config_9876";

    [Fact]
    public async Task A_key_removed_by_an_admin_is_not_seeded_again_at_the_next_start()
    {
        var data = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?> { ["ReApi:ApiKey"] = Seed };
        await using (var first = TestApp.Start(data, settings))
        {
            var keys = first.Services.GetRequiredService<SharedKeyStore>();
            var info = await keys.DescribeAsync(CancellationToken.None);
            Assert.Equal((true, "9876"), (info.IsSet, info.Last4));
            await keys.ClearAsync(new ReApiWeb.Features.Admin.Actor(await first.AdminIdAsync(), "Admin"), CancellationToken.None);
        }

        await using var second = TestApp.Start(data, settings);
        Assert.False((await second.Services.GetRequiredService<SharedKeyStore>().DescribeAsync(CancellationToken.None)).IsSet);
    }

    [Fact]
    public async Task The_stored_key_is_encrypted_in_the_database()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["ReApi:ApiKey"] = Seed });
        await using var db = await app.DbAsync();
        var stored = db.Settings.Single(s => s.Key == SharedKeyStore.SettingKey).Value;
        Assert.DoesNotContain("seeded_from_config", stored, StringComparison.Ordinal);
    }
}
