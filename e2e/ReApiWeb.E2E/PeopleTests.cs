using Microsoft.Playwright;

namespace ReApiWeb.E2E;

/// <summary>A team without an identity provider: the admin invites a person, who joins with the link and is in.</summary>
public sealed class PeopleTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_invites_a_person_who_joins_with_the_link_and_signs_in()
    {
        var email = $"invited-{Guid.NewGuid():N}@example.org";
        string? link = null;
        await browser.RunAsync("/admin/people", async page =>
        {
            await page.GetByLabel("E-mail").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Make invitation link" }).ClickAsync();
            await Expect(page.GetByTestId("account-link")).ToContainTextAsync($"Invitation for {email}");
            link = (await page.GetByTestId("account-link").Locator("pre").InnerTextAsync()).Trim();
            await Expect(page.GetByTestId("people-table")).ToContainTextAsync("Invited");
        });

        await browser.RunInContextAsync(browser.App.BaseUri, async page =>
        {
            await page.GotoAsync(link!);
            await Expect(page.GetByText(email)).ToBeVisibleAsync();
            await page.GetByLabel("Your name").FillAsync("Ida Invited");
            await page.GetByLabel("Password (at least").FillAsync("ida-password-1");
            await page.GetByLabel("The same password again").FillAsync("ida-password-1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();

            await page.WaitForURLAsync("**/jobs");
            await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("Ida Invited");
        });

        // The password works from then on, and the link does not work twice.
        await browser.RunAsync("/jobs", page => Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("Ida Invited"), email, "ida-password-1");
        await browser.RunInContextAsync(browser.App.BaseUri, async page =>
        {
            await page.GotoAsync(link!);
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already used");
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
