using System.Net;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Auth;

public sealed class SignInTests : AppTest
{
    [Fact]
    public async Task Health_answers_anonymously_when_the_database_is_ready()
    {
        using var client = App.AnonymousClient();
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Pages_send_anonymous_people_to_sign_in()
    {
        using var client = App.AnonymousClient();
        using var response = await client.GetAsync("/jobs", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bootstrap_admin_signs_in_and_sees_the_sandbox_banner()
    {
        using var client = await App.SignedInClientAsync();
        var page = await client.GetStringAsync("/jobs", TestContext.Current.CancellationToken);
        Assert.Contains("My jobs", page, StringComparison.Ordinal);
        Assert.Contains("sandbox-banner", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => App.SignedInClientAsync(password: "wrong-password"));
        using var client = App.AnonymousClient();
        var page = await client.GetStringAsync("/login?error=invalid", TestContext.Current.CancellationToken);
        Assert.Contains("do not match an active account", page, StringComparison.Ordinal);
    }

    /// <summary>Posts the sign-in form as a browser would, with exactly <paramref name="fields"/> besides the antiforgery token.</summary>
    private async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, Dictionary<string, string> fields)
    {
        var token = TestApp.AntiforgeryToken(await client.GetStringAsync("/login", TestContext.Current.CancellationToken));
        fields["__RequestVerificationToken"] = token;
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync("/authentication/login", form, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("/\t/example.org")]
    [InlineData("/\r\n/example.org")]
    [InlineData("//example.org")]
    [InlineData("/\\example.org")]
    [InlineData("https://example.org/")]
    public async Task A_return_address_off_the_app_is_replaced_by_the_home_page(string returnUrl)
    {
        using var client = App.AnonymousClient();

        using var response = await PostSignInAsync(client, new() { ["Email"] = TestApp.AdminEmail, ["Password"] = TestApp.AdminPassword, ["ReturnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_sign_in_form_without_a_return_address_goes_home_without_an_error_in_the_log()
    {
        using var client = App.AnonymousClient();

        using var response = await PostSignInAsync(client, new() { ["Email"] = TestApp.AdminEmail, ["Password"] = TestApp.AdminPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain(App.LogLines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_for_a_while_and_say_for_how_long()
    {
        var ct = TestContext.Current.CancellationToken;
        await App.AddLocalUserAsync("victim@test.local", "the-right-password");
        using var client = App.AnonymousClient();
        for (var i = 0; i < 8; i++)
        {
            using var wrong = await PostSignInAsync(client, new() { ["Email"] = "victim@test.local", ["Password"] = $"guess-{i}", ["ReturnUrl"] = "/jobs" });
            Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        }

        using var right = await PostSignInAsync(client, new() { ["Email"] = "victim@test.local", ["Password"] = "the-right-password", ["ReturnUrl"] = "/jobs" });

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var location = right.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?error=locked", location, StringComparison.Ordinal);
        var page = await client.GetStringAsync(location, ct);
        Assert.Matches("locked .*for (another )?\\d+ minutes?", page);
        await using var db = await App.DbAsync();
        var entries = await db.Audit.Where(a => a.Action.StartsWith("signin") && a.ActorName == "victim@test.local").ToListAsync(ct);
        Assert.InRange(entries.Count, 1, 6);
        Assert.Contains(entries, e => e.Action == "signin.locked");
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await App.SignedInClientAsync();

        using var forged = await client.PostAsync("/authentication/logout", null, ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/jobs", ct)).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_after_its_absolute_lifetime_however_busy_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await App.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/jobs", ct)).StatusCode);

        await using (var db = await App.DbAsync())
        {
            await db.Sessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.CreatedAt, DateTimeOffset.UtcNow.AddDays(-8)), ct);
        }

        using var after = await client.GetAsync("/jobs", ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
