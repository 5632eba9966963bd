using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>
/// The production path without Docker, as the README's systemd unit runs it: the output of <c>dotnet publish</c>,
/// started from its own folder in Production, serves the sign-in page with every asset and a live page after signing in.
/// </summary>
public sealed class PublishedAppTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_published_app_in_production_serves_the_sign_in_page_its_assets_and_a_live_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(TestApp.NewDataDirectory(), "published");
        var data = TestApp.NewDataDirectory();

        // The solution is built already (the test command builds it first): publish packs that build.
        var publish = await RunAsync("dotnet", ["publish", Path.Combine(TestApp.RepositoryRoot(), "src", "ReApiWeb"), "-c", "Release", "--no-build", "-o", folder, "-nologo"], TestApp.RepositoryRoot(), ct);
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{publish.Output}");
        Assert.True(File.Exists(Path.Combine(folder, "ReApiWeb.dll")));

        var port = TestApp.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "ReApiWeb.dll")])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Storage__DataDirectory"] = data;
        start.Environment["Auth__BootstrapAdmin__Email"] = TestApp.AdminEmail;
        start.Environment["Auth__BootstrapAdmin__Password"] = TestApp.AdminPassword;
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var output = new ConcurrentQueue<string>();
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        app.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            var baseUri = new Uri($"http://127.0.0.1:{port}/");
            using (var http = new HttpClient { BaseAddress = baseUri })
            {
                await TestApp.UntilAsync(async () =>
                {
                    if (app.HasExited)
                    {
                        Assert.Fail($"The published app exited ({app.ExitCode}):\n{string.Join("\n", output)}");
                    }

                    try
                    {
                        return (await http.GetAsync("/health", ct)).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(90), "the published app is healthy");
            }

            await browser.RunInContextAsync(baseUri, async page =>
            {
                var failed = new ConcurrentQueue<string>();
                page.Response += (_, response) =>
                {
                    if (response.Status >= 400)
                    {
                        failed.Enqueue($"{response.Status} {response.Url}");
                    }
                };
                var assets = new ConcurrentQueue<string>();
                page.Response += (_, response) =>
                {
                    if (response.Request.ResourceType is "stylesheet" or "script")
                    {
                        assets.Enqueue(response.Url);
                    }
                };

                await BrowserFixture.SignInAsync(page, "/jobs/new");
                await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();
                Assert.Empty(failed);
                Assert.Contains(assets, url => url.Contains("MudBlazor", StringComparison.OrdinalIgnoreCase));
                Assert.Contains(assets, url => url.Contains("blazor.web", StringComparison.Ordinal));
                Assert.Contains(assets, url => new Uri(url).AbsolutePath.StartsWith("/app.", StringComparison.Ordinal));
            });
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(ct);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string directory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await errors);
    }
}
