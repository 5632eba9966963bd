using Microsoft.Playwright;
using ReApiWeb.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(ReApiWeb.E2E.BrowserFixture))]

namespace ReApiWeb.E2E;

/// <summary>
/// One app (on its embedded defaults: SQLite, bootstrap admin, built-in sandbox) and one Debian Chromium for the whole run.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public TestApp App { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        App = TestApp.Start(TestApp.NewDataDirectory());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context, signed in as the bootstrap admin, on an interactive page.</summary>
    public async Task<IPage> SignedInPageAsync(string path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUri.AbsoluteUri, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.GetByLabel("E-mail").FillAsync(TestApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(TestApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**" + path);
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Blazor renders the page once on the server, then wires it up over the circuit; input before that is lost.</summary>
    public static Task WaitForInteractiveAsync(IPage page) => page.Locator("[data-interactive=true]").WaitForAsync();

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
