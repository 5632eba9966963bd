using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Sandbox;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Cluster;

/// <summary>
/// An admin rotates or removes a key on one instance: from the moment the change is saved, no other instance uses the
/// old key, without waiting for the bus to tell it.
/// </summary>
public sealed class KeyCoherenceTests(PostgresServer postgres, RedisServer redis)
{
    private const string Key = "rk_live_coherence_0";

    [Fact]
    public async Task A_key_rotated_or_removed_on_one_instance_is_never_used_again_by_another()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        var settings = await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
        await using var admin = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var other = TestApp.Start(TestApp.NewDataDirectory(), settings);
        var by = new Actor(await admin.AdminIdAsync(), "Admin");
        var account = (await admin.DefaultAccountIdAsync())!.Value;
        var rotating = admin.Services.GetRequiredService<UpstreamAccounts>();
        var using_ = other.Services.GetRequiredService<UpstreamAccounts>();

        // The other instance holds the key in its snapshot (it has just used it) when each rotation is saved.
        Assert.Equal(Key, (await using_.ConnectionAsync(account, ct)).ApiKey);
        for (var i = 1; i <= 20; i++)
        {
            var key = $"rk_live_coherence_{i}";
            await rotating.SetKeyAsync(account, key, by, ct);
            Assert.Equal(key, (await using_.ConnectionAsync(account, ct)).ApiKey);
        }

        await rotating.ClearKeyAsync(account, by, ct);
        var refused = await Assert.ThrowsAsync<ReApiException>(async () => await using_.ConnectionAsync(account, ct));
        Assert.Equal(ReApiErrorKind.Authentication, refused.Kind);
    }
}
