using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Auth.Sso;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

/// <summary>What <see cref="SsoPeople"/> decides for an identity the provider vouched for, with linking left at its default (off).</summary>
public sealed class SsoPeopleTests : AppTest
{
    [Fact]
    public async Task Without_the_admins_consent_even_a_verified_email_does_not_link_an_existing_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var local = await App.AddLocalUserAsync("pat@example.test", "pat-local-password");
        var identity = new SsoIdentity("pat-sub", "pat@example.test", "Pat", new HashSet<string>(), new HashSet<string>(), EmailVerified: true);

        var verdict = await App.Services.GetRequiredService<SsoPeople>().ApplyAsync(identity, "127.0.0.1", signIn: true, ct);

        Assert.Equal((null, SsoRefusal.AccountExists), (verdict.User, verdict.Refusal));
        await using var db = await App.DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == local, ct)).Subject);
        Assert.Contains("linking", (await db.Audit.SingleAsync(a => a.Action == "signin.refused", ct)).Details, StringComparison.Ordinal);
    }
}
