using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth.Accounts;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

/// <summary>People in without an identity provider: invitations, reset links and one's own password, over HTTP.</summary>
public sealed class LocalAccountsTests : AppTest
{
    private LocalAccounts Accounts => App.Services.GetRequiredService<LocalAccounts>();

    private async Task<Actor> AdminAsync() => new(await App.AdminIdAsync(), "Admin");

    /// <summary>
    /// Posts the link's form as a browser would (a used or expired link's page has no form, so the antiforgery token
    /// comes from the sign-in page, as a replayed request would carry one); returns where the app sends the browser.
    /// </summary>
    private static async Task<string> PostLinkFormAsync(HttpClient browser, string path, Dictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync("/login", TestContext.Current.CancellationToken);
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page);
        fields["Token"] = path.Split('/')[^1];
        using var response = await browser.PostAsync(path.StartsWith(LocalAccounts.InvitePath, StringComparison.Ordinal) ? "/account/invite" : "/account/reset",
            new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task An_invited_person_joins_with_the_link_once_and_then_signs_in_with_their_password()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await Accounts.InviteAsync("New.Person@Example.org", null, await AdminAsync(), ct);
        using var browser = App.AnonymousClient();

        Assert.Contains("new.person@example.org", await browser.GetStringAsync(link, ct), StringComparison.Ordinal);
        Assert.Equal("/jobs", await PostLinkFormAsync(browser, link, new() { ["Name"] = "New Person", ["Password"] = "chosen-password-1", ["Confirm"] = "chosen-password-1" }));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/jobs", ct)).StatusCode);

        using var again = App.AnonymousClient();
        Assert.Contains("already used", await again.GetStringAsync(link, ct), StringComparison.Ordinal);
        Assert.EndsWith("error=LinkInvalid", await PostLinkFormAsync(again, link, new() { ["Name"] = "Mallory", ["Password"] = "other-password-1", ["Confirm"] = "other-password-1" }), StringComparison.Ordinal);

        using var signedIn = await App.SignedInClientAsync("new.person@example.org", "chosen-password-1");
        await using var db = await App.DbAsync();
        Assert.Equal("New Person", (await db.Users.SingleAsync(u => u.Email == "new.person@example.org", ct)).DisplayName);
        Assert.Equal(["person.invite", "person.joined"], await db.Audit.Where(a => a.Action.StartsWith("person.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(ct));
    }

    [Fact]
    public async Task An_expired_link_a_link_of_the_other_kind_and_a_disabled_person_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await AdminAsync();
        var expired = await Accounts.InviteAsync("late@example.org", null, admin, ct);
        var disabled = await Accounts.InviteAsync("gone@example.org", null, admin, ct);
        var member = await App.AddLocalUserAsync("member@example.org", "member-password-1");
        var reset = await Accounts.ResetAsync(member, admin, ct);
        await using (var db = await App.DbAsync())
        {
            await db.AccountLinks.Where(l => l.User!.Email == "late@example.org").ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), ct);
            await db.Users.Where(u => u.Email == "gone@example.org").ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true), ct);
        }

        using var browser = App.AnonymousClient();
        var fields = new Dictionary<string, string> { ["Name"] = "Someone", ["Password"] = "password-12345", ["Confirm"] = "password-12345" };
        Assert.EndsWith("error=LinkInvalid", await PostLinkFormAsync(browser, expired, new(fields)), StringComparison.Ordinal);
        Assert.EndsWith("error=LinkInvalid", await PostLinkFormAsync(browser, disabled, new(fields)), StringComparison.Ordinal);

        // A reset link's secret used as an invitation: refused, and the reset link still works afterwards.
        Assert.EndsWith("error=LinkInvalid", await PostLinkFormAsync(browser, LocalAccounts.InvitePath + reset.Split('/')[^1], new(fields)), StringComparison.Ordinal);
        Assert.Equal("/jobs", await PostLinkFormAsync(browser, reset, new(fields)));
    }

    [Fact]
    public async Task A_reset_link_sets_a_new_password_for_its_person_only_and_ends_their_other_sessions()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = await App.AddLocalUserAsync("forgetful@example.org", "old-password-1");
        await App.AddLocalUserAsync("bystander@example.org", "bystander-password-1");
        using var elsewhere = await App.SignedInClientAsync("forgetful@example.org", "old-password-1");
        var link = await Accounts.ResetAsync(member, await AdminAsync(), ct);
        using var browser = App.AnonymousClient();

        Assert.EndsWith("error=PasswordsDiffer", await PostLinkFormAsync(browser, link, new() { ["Password"] = "new-password-1", ["Confirm"] = "not-the-same-1" }), StringComparison.Ordinal);
        Assert.Equal("/jobs", await PostLinkFormAsync(browser, link, new() { ["Password"] = "new-password-1", ["Confirm"] = "new-password-1" }));

        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/jobs", ct)).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => App.SignedInClientAsync("forgetful@example.org", "old-password-1"));
        using var withNew = await App.SignedInClientAsync("forgetful@example.org", "new-password-1");
        using var bystander = await App.SignedInClientAsync("bystander@example.org", "bystander-password-1");
    }

    [Fact]
    public async Task A_person_changes_their_own_password_with_the_current_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await App.AddLocalUserAsync("self@example.org", "first-password-1");
        using var other = await App.SignedInClientAsync("self@example.org", "first-password-1");
        using var browser = await App.SignedInClientAsync("self@example.org", "first-password-1");
        async Task<string> ChangeAsync(string current, string next)
        {
            var page = await browser.GetStringAsync("/account/password", ct);
            using var response = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
                ["Current"] = current,
                ["Password"] = next,
                ["Confirm"] = next,
            }), ct);
            return response.Headers.Location!.OriginalString;
        }

        Assert.EndsWith("error=WrongCurrentPassword", await ChangeAsync("not-my-password", "second-password-1"), StringComparison.Ordinal);
        Assert.EndsWith("error=PasswordTooShort", await ChangeAsync("first-password-1", "short"), StringComparison.Ordinal);
        Assert.EndsWith("changed=1", await ChangeAsync("first-password-1", "second-password-1"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/jobs", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/jobs", ct)).StatusCode);
        using var withNew = await App.SignedInClientAsync("self@example.org", "second-password-1");
        await using var db = await App.DbAsync();
        Assert.True(await db.Audit.AnyAsync(a => a.Action == "person.password" && a.Details.Contains("self@example.org"), ct));
    }

    [Fact]
    public async Task Inviting_someone_who_already_has_an_account_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await App.AddLocalUserAsync("taken@example.org", "taken-password-1");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Accounts.InviteAsync("taken@example.org", null, await AdminAsync(), ct));

        Assert.Contains("reset their password instead", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Accounts.InviteAsync("not an address", null, await AdminAsync(), ct));
    }

    [Fact]
    public async Task The_sign_in_page_keeps_the_typed_email_after_a_wrong_password()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = App.AnonymousClient();
        var page = await browser.GetStringAsync("/login", ct);
        using var response = await browser.PostAsync("/authentication/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
            ["Email"] = "typed@example.org",
            ["Password"] = "wrong",
            ["ReturnUrl"] = "/jobs",
        }), ct);

        var again = await browser.GetStringAsync(response.Headers.Location!.OriginalString, ct);
        Assert.Contains("value=\"typed@example.org\"", again, StringComparison.Ordinal);
    }
}
