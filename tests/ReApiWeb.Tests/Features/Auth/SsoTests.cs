using System.Net;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

/// <summary>
/// Sign-in through a real OpenID Connect provider process (oidc-provider), driven over HTTP. The provider is asked
/// again on every request here (a tiny recheck interval), so what it says takes effect at the next request.
/// </summary>
public sealed class SsoTests : IAsyncLifetime
{
    private static readonly OidcUser[] People =
    [
        new("alice", "alice-pw", "alice@example.test", "Alice Member", ["staff", "design"]),
        new("bob", "bob-pw", "bob@example.test", "Bob Admin", ["staff", "reapiweb-admins"]),
        new("carol", "carol-pw", "carol@example.test", "Carol Contractor", ["contractors"]),
        new("dave", "dave-pw", "dave@example.test", "Dave Member", ["staff"]),
        new("erin", "erin-pw", "erin@example.test", "Erin Member", ["staff"]),
        new("frank", "frank-pw", "frank@example.test", "Frank Member", ["staff"]),
        new("mallory", "mallory-pw", TestApp.AdminEmail, "Mallory", ["staff"], EmailVerified: false),
        new("trent", "trent-pw", TestApp.AdminEmail, "Trent", ["staff"]),
        new("olga", "olga-pw", "olga@example.test", "Olga Member", ["staff"]),
        new("ursula", "ursula-pw", "ursula@example.test", "Ursula", ["staff"], EmailVerified: false),
    ];

    private OidcProvider _provider = default!;
    private TestApp _app = default!;

    public async ValueTask InitializeAsync()
    {
        var port = TestApp.FreePort();
        _provider = await OidcProvider.StartAsync(port, People);
        var settings = _provider.AppSettings(allowedGroups: ["staff", "reapiweb-admins"]);
        settings["Auth:Oidc:RecheckInterval"] = "00:00:00.001";
        settings["Auth:Oidc:LinkVerifiedEmails"] = "true";
        _app = TestApp.Start(TestApp.NewDataDirectory(), settings, port);
    }

    [Fact]
    public async Task A_person_is_created_at_first_sign_in_with_the_providers_name_email_and_groups()
    {
        using var browser = new SsoClient(_app);

        Assert.Equal("/jobs", await browser.SignInAsync("alice", "alice-pw"));

        await using var db = await _app.DbAsync();
        var alice = await db.Users.SingleAsync(u => u.Subject == "alice", TestContext.Current.CancellationToken);
        Assert.Equal(("alice@example.test", "Alice Member", false), (alice.Email, alice.DisplayName, alice.HasAdminRights));
        var groups = await db.GroupMembers.Where(m => m.UserId == alice.Id).Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => g.Name).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["design", "staff"], groups.Order());
        Assert.True(await db.Audit.AnyAsync(a => a.Action == "signin" && a.ActorId == alice.Id && a.Address == "127.0.0.1", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task An_unverified_email_never_takes_over_the_bootstrap_admin()
    {
        using var browser = new SsoClient(_app);

        Assert.Equal("/login?error=account-exists", await browser.SignInAsync("mallory", "mallory-pw"));

        await using var db = await _app.DbAsync();
        var admin = await db.Users.SingleAsync(u => u.Email == TestApp.AdminEmail, TestContext.Current.CancellationToken);
        Assert.Null(admin.Subject);
        Assert.False(await db.Users.AnyAsync(u => u.Subject == "mallory", TestContext.Current.CancellationToken));
        var refusal = await db.Audit.SingleAsync(a => a.Action == "signin.refused" && a.ActorName == "Mallory", TestContext.Current.CancellationToken);
        Assert.Null(refusal.ActorId);
        Assert.Contains("bootstrap admin", refusal.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Even_a_verified_email_never_links_to_the_bootstrap_admin()
    {
        using var browser = new SsoClient(_app);

        Assert.Equal("/login?error=account-exists", await browser.SignInAsync("trent", "trent-pw"));

        await using var db = await _app.DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.Email == TestApp.AdminEmail, TestContext.Current.CancellationToken)).Subject);
        Assert.Contains("bootstrap", (await db.Audit.SingleAsync(a => a.Action == "signin.refused" && a.ActorName == "Trent", TestContext.Current.CancellationToken)).Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verified_email_links_an_account_made_before_sso_when_linking_is_allowed()
    {
        var local = await _app.AddLocalUserAsync("olga@example.test", "olga-local-password");
        using var browser = new SsoClient(_app);

        Assert.Equal("/jobs", await browser.SignInAsync("olga", "olga-pw"));

        await using var db = await _app.DbAsync();
        Assert.Equal("olga", (await db.Users.SingleAsync(u => u.Id == local, TestContext.Current.CancellationToken)).Subject);
    }

    [Fact]
    public async Task An_unverified_email_does_not_link_an_account_made_before_sso()
    {
        var local = await _app.AddLocalUserAsync("ursula@example.test", "ursula-local-password");
        using var browser = new SsoClient(_app);

        Assert.Equal("/login?error=account-exists", await browser.SignInAsync("ursula", "ursula-pw"));

        await using var db = await _app.DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == local, TestContext.Current.CancellationToken)).Subject);
        Assert.False(await db.Users.AnyAsync(u => u.Subject == "ursula", TestContext.Current.CancellationToken));
        Assert.Contains("verified", (await db.Audit.SingleAsync(a => a.Action == "signin.refused" && a.ActorName == "Ursula", TestContext.Current.CancellationToken)).Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_return_address_with_control_characters_never_leaves_the_app()
    {
        using var browser = new SsoClient(_app);

        Assert.Equal("/", await browser.SignInAsync("alice", "alice-pw", "/\t/example.org"));
    }

    [Fact]
    public async Task A_member_of_the_admin_group_reaches_the_admin_area_and_a_member_is_refused_there()
    {
        using var admin = new SsoClient(_app);
        using var member = new SsoClient(_app);
        await admin.SignInAsync("bob", "bob-pw");
        await member.SignInAsync("dave", "dave-pw");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/audit")).StatusCode);
        using var refused = await member.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/forbidden", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_outside_the_allowed_groups_cannot_sign_in_and_the_refusal_is_audited()
    {
        using var browser = new SsoClient(_app);

        Assert.Equal("/login?error=not-allowed", await browser.SignInAsync("carol", "carol-pw"));

        await using var db = await _app.DbAsync();
        Assert.False(await db.Users.AnyAsync(u => u.Subject == "carol", TestContext.Current.CancellationToken));
        var refusal = await db.Audit.SingleAsync(a => a.Action == "signin.refused" && a.ActorName == "Carol Contractor", TestContext.Current.CancellationToken);
        Assert.Contains("contractors", refusal.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Groups_and_admin_rights_follow_the_provider_without_signing_in_again()
    {
        using var browser = new SsoClient(_app);
        await browser.SignInAsync("frank", "frank-pw");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin/audit")).StatusCode);

        await _provider.ChangeUserAsync("frank", new { groups = new[] { "staff", "reapiweb-admins" } });

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/audit")).StatusCode);
        await using var db = await _app.DbAsync();
        var frank = await db.Users.SingleAsync(u => u.Subject == "frank", TestContext.Current.CancellationToken);
        Assert.True(frank.IsProviderAdmin);
        Assert.True(await db.GroupMembers.AnyAsync(m => m.UserId == frank.Id && m.GroupId == db.Groups.Single(g => g.Name == "reapiweb-admins").Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_person_disabled_at_the_provider_loses_access_at_the_next_check()
    {
        using var browser = new SsoClient(_app);
        await browser.SignInAsync("erin", "erin-pw");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/jobs")).StatusCode);

        await _provider.ChangeUserAsync("erin", new { disabled = true });

        using var after = await browser.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await using var db = await _app.DbAsync();
        Assert.False(await db.Sessions.AnyAsync(s => s.User!.Subject == "erin", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_person_an_admin_disabled_loses_access_at_once_and_cannot_sign_in_again()
    {
        using var browser = new SsoClient(_app);
        await browser.SignInAsync("dave", "dave-pw");
        await using (var db = await _app.DbAsync())
        {
            await db.Users.Where(u => u.Subject == "dave").ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true), TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/jobs")).StatusCode);
        using var again = new SsoClient(_app);
        Assert.Equal("/login?error=disabled", await again.SignInAsync("dave", "dave-pw"));

        await using var check = await _app.DbAsync();
        await check.Users.Where(u => u.Subject == "dave").ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, false), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_here_and_at_the_provider()
    {
        using var browser = new SsoClient(_app);
        await browser.SignInAsync("alice", "alice-pw");

        Assert.Equal("/login?signedOut=1", await browser.SignOutAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/jobs")).StatusCode);
        // The provider forgot the person too: signing in again asks for the password.
        Assert.StartsWith("login form at", await browser.SignInAsync(null!, null!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_from_the_provider_stay_on_the_server()
    {
        using var browser = new SsoClient(_app);
        await browser.SignInAsync("alice", "alice-pw");

        var cookie = browser.Cookies.GetCookies(_app.BaseUri)["ReApiWeb.Auth"]!;
        Assert.True(cookie.Value.Length < 600, $"The cookie should hold a session id, not tokens ({cookie.Value.Length} characters).");
        Assert.True(cookie.HttpOnly);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
