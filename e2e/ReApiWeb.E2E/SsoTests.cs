using Microsoft.Playwright;

namespace ReApiWeb.E2E;

/// <summary>
/// People sign in through a real OpenID Connect provider in a real browser: members work, the admin group reaches the
/// admin area, others are refused, sign-out ends both sessions, and a page left open follows what the provider says.
/// </summary>
public sealed class SsoTests(SsoFixture sso) : IClassFixture<SsoFixture>
{
    [Fact]
    public async Task A_member_signs_in_through_the_provider_and_runs_a_job()
    {
        await sso.RunAsync("/jobs/new", "alice", "alice-pw", async page =>
        {
            await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("Alice Member");

            await page.GetByLabel("Prompt").FillAsync("A lighthouse on a cliff at dawn, signed in with SSO");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await page.WaitForURLAsync("**/jobs/*-*");

            await Expect(page.GetByTestId("job-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 30_000 });
        });
    }

    [Fact]
    public async Task A_member_of_the_admin_group_reaches_the_admin_area()
    {
        await sso.RunAsync("/admin/audit", "bob", "bob-pw", async page =>
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("Bob Admin");
        });
    }

    [Fact]
    public async Task A_member_outside_the_admin_group_is_refused_there()
    {
        await sso.RunAsync("/jobs", "alice", "alice-pw", async page =>
        {
            await page.GotoAsync("/admin/audit");

            await Expect(page.GetByText("You are not allowed here")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_person_outside_the_allowed_groups_cannot_sign_in()
    {
        await sso.RunAsync("/jobs", null, null, async page =>
        {
            await SsoFixture.SignInAtProviderAsync(page, "carol", "carol-pw");

            await page.WaitForURLAsync(url => url.Contains("/login?error=not-allowed", StringComparison.Ordinal));
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not in a group allowed");
        });
    }

    [Fact]
    public async Task Sign_out_ends_the_session_here_and_at_the_provider()
    {
        await sso.RunAsync("/jobs", "alice", "alice-pw", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync(url => url.EndsWith("/login?signedOut=1", StringComparison.Ordinal));
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out.");

            await page.GotoAsync("/jobs");
            await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));

            // The provider forgot the person too: signing in again asks for the password.
            await page.GetByRole(AriaRole.Link, new() { Name = SsoFixture.SignInLink }).ClickAsync();
            await Expect(page.GetByLabel("Username")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task A_page_left_open_loses_its_person_when_the_provider_disables_them()
    {
        await sso.RunAsync("/jobs", "erin", "erin-pw", async page =>
        {
            await sso.Provider.ChangeUserAsync("erin", new { disabled = true });

            // Nothing here navigates: the open page re-checks, the provider refuses, the page reloads to sign-in.
            await page.WaitForURLAsync("**/login**", new() { Timeout = 30_000 });
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = SsoFixture.SignInLink })).ToBeVisibleAsync();
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
