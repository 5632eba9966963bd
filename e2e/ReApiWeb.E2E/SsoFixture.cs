using Microsoft.Playwright;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>
/// A real OpenID Connect provider process (oidc-provider) and an app that signs people in through it, driven in the
/// run's Chromium. Open pages re-check their person every 2 s and the provider is asked again every second, so what
/// the provider says reaches a page left open within seconds.
/// </summary>
public sealed class SsoFixture(BrowserFixture browser) : IAsyncLifetime
{
    /// <summary>The app's sign-in link for the provider (its display name is "Test IdP").</summary>
    public const string SignInLink = "Sign in with Test IdP";

    private static readonly OidcUser[] People =
    [
        new("alice", "alice-pw", "alice@example.test", "Alice Member", ["staff"]),
        new("bob", "bob-pw", "bob@example.test", "Bob Admin", ["staff", "reapiweb-admins"]),
        new("carol", "carol-pw", "carol@example.test", "Carol Contractor", ["contractors"]),
        new("erin", "erin-pw", "erin@example.test", "Erin Member", ["staff"]),
    ];

    public OidcProvider Provider { get; private set; } = default!;

    public TestApp App { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        var port = TestApp.FreePort();
        Provider = await OidcProvider.StartAsync(port, People);
        var settings = Provider.AppSettings(allowedGroups: ["staff", "reapiweb-admins"]);
        settings["Sandbox:Durations:Image"] = "00:00:02";
        settings["Sandbox:ModelDurations:gpt-image-2"] = "00:00:02";
        settings["Auth:RevalidationInterval"] = "00:00:02";
        settings["Auth:Oidc:RecheckInterval"] = "00:00:01";
        try
        {
            App = TestApp.Start(TestApp.NewDataDirectory(), settings, port);
        }
        catch
        {
            await Provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> on a fresh browser context (fresh cookies for the app and the provider) that went
    /// to <paramref name="path"/>. With a <paramref name="username"/>, it first signs in at the provider and waits
    /// until the page at <paramref name="path"/> is interactive; without, the steps start wherever the app sent the
    /// browser. A failure carries what the browser showed and logged, and a screenshot.
    /// </summary>
    public Task RunAsync(string path, string? username, string? password, Func<IPage, Task> steps) =>
        browser.RunInContextAsync(App.BaseUri, async page =>
        {
            await page.GotoAsync(path);
            if (username is not null)
            {
                await SignInAtProviderAsync(page, username, password ?? string.Empty);
                // The address, then the live page: waiting for the load event too once timed out in CI on a page that was
                // already shown and live (after the provider's redirects); interactivity is what the steps need.
                await page.WaitForURLAsync("**" + path, new() { WaitUntil = WaitUntilState.Commit });
                await BrowserFixture.WaitForInteractiveAsync(page);
            }

            await steps(page);
        });

    /// <summary>From the app's sign-in page: follows the provider's link and signs in on the provider's own form.</summary>
    public static async Task SignInAtProviderAsync(IPage page, string username, string password)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = SignInLink }).ClickAsync();
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}
