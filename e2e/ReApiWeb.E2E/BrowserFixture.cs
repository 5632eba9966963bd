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
        App = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?>
        {
            // Short enough for a test run, long enough to see a job in flight.
            ["Sandbox:Durations:Image"] = "00:00:02",
            ["Sandbox:Durations:Video"] = "00:00:03",
            ["Sandbox:Durations:Audio"] = "00:00:02",
            ["Sandbox:Durations:Text"] = "00:00:02",
            ["Sandbox:ModelDurations:gpt-image-2"] = "00:00:02",
            // A failed event on a page names its exception in the browser's console, which a failure prints.
            ["DetailedErrors"] = "true",
        });
        // Waits on the page as long as actions wait (the context's 30 s): Playwright's 5 s default for Expect was short for a
        // reply or a job under the whole suite on two cores (a chat reply was still streaming at 5 s once in CI).
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// Runs <paramref name="steps"/> on a fresh browser context signed in (as the bootstrap admin unless
    /// <paramref name="email"/> is given), on an interactive page at <paramref name="path"/>. A failure carries what
    /// the browser showed and logged, and a screenshot.
    /// </summary>
    public Task RunAsync(string path, Func<IPage, Task> steps, string email = TestApp.AdminEmail, string password = TestApp.AdminPassword) =>
        RunInContextAsync(App.BaseUri, async page =>
        {
            await SignInAsync(page, path, email, password);
            await steps(page);
        });

    /// <summary>Opens <paramref name="path"/>, signs in on the page it leads to and waits until the page is live there.</summary>
    public static async Task SignInAsync(IPage page, string path, string email = TestApp.AdminEmail, string password = TestApp.AdminPassword)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Arrived is enough: readiness is the live page's marker, not the load event (which once never came in CI on a
        // page that was there and live).
        await page.WaitForURLAsync("**" + path, new() { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> on a page of a fresh browser context (its own cookies) whose relative URLs go to
    /// <paramref name="baseUri"/>, then closes the context. A failure carries what the browser showed and logged, and a
    /// screenshot.
    /// </summary>
    public async Task RunInContextAsync(Uri baseUri, Func<IPage, Task> steps)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUri.AbsoluteUri, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) => log.Enqueue($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => log.Enqueue($"page error: {error}");
        page.WebSocket += (_, socket) => socket.Close += (_, _) => log.Enqueue($"websocket closed: {socket.Url}");
        try
        {
            await steps(page);
        }
        catch (Exception e) when (e is not E2EFailure)
        {
            throw new E2EFailure(await DescribeAsync(page, log, App.LogLines), e);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task<string> DescribeAsync(IPage page, IEnumerable<string> log, IEnumerable<string> appLog)
    {
        var screenshot = Path.Combine(Path.GetTempPath(), "reapiweb-e2e", $"{DateTime.UtcNow:HHmmss-fff}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        string text;
        try
        {
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true, Timeout = 5_000 });
            text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
        }
        catch (PlaywrightException e)
        {
            text = $"(the page could not be read: {e.Message})";
        }

        return $"""
            The browser was at {page.Url}. Screenshot: {screenshot}
            What the page showed:
            {(text.Length > 3000 ? text[..3000] + "…" : text)}
            What the browser logged:
            {string.Join(Environment.NewLine, log.TakeLast(40))}
            What the app logged last (warnings and errors, every test's):
            {string.Join(Environment.NewLine, appLog.TakeLast(20).Select(line => line.Length > 1500 ? line[..1500] + "…" : line))}
            """;
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

/// <summary>An end-to-end step failed; the message says what the browser showed and logged at that moment.</summary>
public sealed class E2EFailure(string description, Exception inner) : Exception(description + Environment.NewLine + inner.Message, inner);
