using Microsoft.Playwright;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>
/// Three instances on one PostgreSQL database and one Redis behind Debian's HAProxy with the README's configuration:
/// each browser stays on the instance it first reached (cookie affinity, WebSockets through), and a page served by one
/// instance shows, live, a job made through another.
/// </summary>
public sealed class ClusterTests(BrowserFixture browser, PostgresServer postgres, RedisServer redis)
{
    private const string Key = "rk_live_cluster_e2e";

    [Fact]
    public async Task Through_HAProxy_a_job_made_on_one_instance_shows_live_on_a_page_another_instance_serves()
    {
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(2);
        });
        var settings = await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
        var instances = new List<TestApp>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                instances.Add(TestApp.Start(TestApp.NewDataDirectory(), settings));
            }

            using var haproxy = await HaproxyProcess.StartAsync([.. instances.Select(a => a.BaseUri)]);
            var prompt = $"A harbour at night {Guid.NewGuid():N}"[..32];

            // The watcher's gallery is open (live) on one instance; the maker, on another, makes a job. HAProxy hands
            // each new browser to the next instance, and the cookie keeps it there.
            await browser.RunInContextAsync(haproxy.BaseUri, async watcher =>
            {
                await BrowserFixture.SignInAsync(watcher, "/jobs");
                var watcherInstance = await InstanceOfAsync(watcher);
                await browser.RunInContextAsync(haproxy.BaseUri, async maker =>
                {
                    await BrowserFixture.SignInAsync(maker, "/jobs/new");
                    Assert.NotEqual(watcherInstance, await InstanceOfAsync(maker));

                    await maker.GetByLabel("Prompt").FillAsync(prompt);
                    await maker.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
                    await maker.WaitForURLAsync("**/jobs/*-*");
                    await Assertions.Expect(maker.GetByTestId("job-status").Locator("[data-status]"))
                        .ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
                });

                await watcher.EvaluateAsync("() => window.__sameDocument = true");
                await Assertions.Expect(watcher.GetByRole(AriaRole.Link, new() { Name = prompt })).ToBeVisibleAsync(new() { Timeout = 30_000 });
                Assert.True(await watcher.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The gallery reloaded instead of updating live.");
                Assert.Equal(watcherInstance, await InstanceOfAsync(watcher)); // still on its own instance
            });
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    /// <summary>The instance HAProxy's affinity cookie ties the browser to.</summary>
    private static async Task<string> InstanceOfAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "REAPIWEB_INSTANCE").Value;
}
