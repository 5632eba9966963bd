using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReApiWeb.Data;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What open pages cost the people who work while they are open, on the published app in Production with its built-in
/// sandbox: one person keeps K = 1, 10 and 50 "My jobs" pages open (each its own signed-in Chromium context) and runs
/// 24 image jobs from the form in another, one after the other. For each job: Generate → "Processing" (the click until
/// the job's page shows its status), and for each open page, the completion's lag (the job's FinishedAt in the database
/// until the page's tile stops showing "Processing", seen by a MutationObserver; browser and server share one clock).
/// The open pages' browser runs in the idle scheduling class and the clicking person's at normal priority, so that 50 renderers on this
/// machine's 2 cores stand for 50 pages on their people's own computers rather than taking the server's CPU.
/// Run it on a published build: <c>--live --app DIR/ReApiWeb.dll [--pages 1,10,50] [--jobs 24]</c>.
/// </summary>
public static class LiveBenchmark
{
    private const string Watcher = """
        () => {
          window.__done = {};
          const scan = () => {
            const now = Date.now();
            for (const tile of document.querySelectorAll('[data-job-id]')) {
              const id = tile.getAttribute('data-job-id');
              const badge = tile.querySelector('[data-status]');
              const status = badge ? badge.getAttribute('data-status') : 'Completed';
              if (status !== 'Submitting' && status !== 'Processing' && !(id in window.__done)) window.__done[id] = now;
            }
          };
          new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        """;

    // The open pages' window (--window 390x300 by default): software raster of 50 large windows on this machine's 2 cores
    // would measure Chromium's painting, not the app.
    private static int Width = 390;
    private static int Height = 300;

    public static async Task<int> RunAsync(string[] args)
    {
        if (Array.IndexOf(args, "--window") is var w and >= 0 && w + 1 < args.Length)
        {
            var size = args[w + 1].Split('x');
            (Width, Height) = (int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture));
        }

        if (CircuitBenchmark.PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var counts = CircuitBenchmark.Counts(args, "--pages", [1, 10, 50]);
        // Another page than the gallery (--path /tokens) shows what open pages cost when no event concerns them.
        var path = Array.IndexOf(args, "--path") is var p and >= 0 && p + 1 < args.Length ? args[p + 1] : "/jobs";
        var jobs = Array.IndexOf(args, "--jobs") is var j and >= 0 && j + 1 < args.Length ? int.Parse(args[j + 1], CultureInfo.InvariantCulture) : 24;

        // The open pages run in a browser at the lowest CPU priority: on this machine they share its 2 cores with the
        // app, where in use each runs on its own person's computer. The person who clicks Generate has a browser of
        // their own at normal priority.
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        var niced = Path.Combine(Directory.CreateTempSubdirectory("reapiweb-live-browser").FullName, "chromium-niced");
        // SCHED_IDLE, not just nice 19: Chromium run as root raises its own threads to nice -8 (seen with ps -eLo ni),
        // which outranked the app; an idle-class process and its children only get CPU nothing else wants.
        await File.WriteAllTextAsync(niced, $"#!/bin/sh\nexec chrt --idle 0 nice -n 19 {chromium} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(niced, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string[] flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"];
        using var playwright = await Playwright.CreateAsync();
        await using var watchers = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = niced, Args = flags });
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Args = flags });
        Console.WriteLine($"Live benchmark: published app in Production on its sandbox; {jobs} image jobs from the form, one after the other, while K pages of \"My jobs\" are open.");
        Console.WriteLine("   K | Generate → Processing: median    p95    max | completion lag on the open pages: median    p95    max | pages × jobs seen | CPU used during the run");
        foreach (var count in counts)
        {
            await RunOnceAsync(watchers, browser, dll, path, count, jobs);
        }

        return 0;
    }

    private static async Task RunOnceAsync(IBrowser watchers, IBrowser browser, string dll, string path, int pageCount, int jobCount)
    {
        var data = Directory.CreateTempSubdirectory("reapiweb-live-bench").FullName;
        await CircuitBenchmark.SeedAsync(data, jobs: 60);
        var baseUrl = $"http://127.0.0.1:{CircuitBenchmark.FreePort()}";
        using var app = CircuitBenchmark.StartApp(dll, data, baseUrl);
        var contexts = new List<IBrowserContext>();
        try
        {
            await CircuitBenchmark.WaitForHealthAsync(baseUrl);
            var state = await CircuitBenchmark.SignInAsync(browser, baseUrl);
            var pages = new List<IPage>();
            for (var i = 0; i < pageCount; i++)
            {
                var context = await watchers.NewContextAsync(new() { StorageState = state, ViewportSize = new() { Width = Width, Height = Height } });
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.GotoAsync(baseUrl + path);
                await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
                await page.EvaluateAsync(Watcher);
                pages.Add(page);
            }

            // What the open pages cost while nothing happens.
            var idleBrowser = BrowserCpuSeconds();
            app.Refresh();
            var idleApp = app.TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(10));
            app.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     ({pageCount} pages open, idle for 10 s: CPU app {(app.TotalProcessorTime - idleApp).TotalSeconds:0.0} s, Chromium {BrowserCpuSeconds() - idleBrowser:0.0} s)"));

            // What one of the open pages spends in the browser during the run (Chromium's own counters).
            var probe = await pages[0].Context.NewCDPSessionAsync(pages[0]);
            await probe.SendAsync("Performance.enable");
            var probeBefore = await MetricsAsync(probe);

            var makerContext = await browser.NewContextAsync(new() { StorageState = state, ViewportSize = new() { Width = 1366, Height = 900 } });
            contexts.Add(makerContext);
            var maker = await makerContext.NewPageAsync();
            var submits = new List<double>();
            var ids = new List<Guid>();
            var clicks = new List<DateTimeOffset>();
            var shown = new List<DateTimeOffset>();
            app.Refresh();
            var cpuBefore = app.TotalProcessorTime;
            var browserBefore = BrowserCpuSeconds();
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < jobCount; i++)
            {
                await maker.GotoAsync(baseUrl + "/jobs/new");
                await maker.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
                await maker.GetByLabel("Prompt").FillAsync($"live benchmark {i}: a lighthouse on a cliff at dawn");
                clicks.Add(DateTimeOffset.UtcNow);
                var clicked = Stopwatch.GetTimestamp();
                await maker.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
                await maker.WaitForURLAsync("**/jobs/*-*", new() { Timeout = 120_000 });
                await maker.Locator("[data-testid=job-status] [data-status]:not([data-status=Submitting])").WaitForAsync(new() { Timeout = 120_000 });
                submits.Add(Stopwatch.GetElapsedTime(clicked).TotalMilliseconds);
                shown.Add(DateTimeOffset.UtcNow);
                ids.Add(Guid.Parse(maker.Url.Split('/')[^1].Split('?')[0]));
            }

            // Every page shows every job's end (or the run says how many it missed).
            var seen = new List<Dictionary<string, long>>();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            foreach (var page in pages)
            {
                Dictionary<string, long> done;
                while (true)
                {
                    done = JsonSerializer.Deserialize<Dictionary<string, long>>(await page.EvaluateAsync<string>("() => JSON.stringify(window.__done)"))!;
                    if (path != "/jobs" || ids.All(id => done.ContainsKey(id.ToString())) || DateTime.UtcNow > deadline)
                    {
                        break;
                    }

                    await page.WaitForTimeoutAsync(250);
                }

                seen.Add(done);
            }

            app.Refresh();
            var cpu = (app.TotalProcessorTime - cpuBefore).TotalSeconds;
            var browserCpu = BrowserCpuSeconds() - browserBefore;
            var seconds = wall.Elapsed.TotalSeconds;
            var probeAfter = await MetricsAsync(probe);
            string Spent(string metric) => string.Create(CultureInfo.InvariantCulture, $"{metric} {probeAfter[metric] - probeBefore[metric]:0.00} s");
            Console.WriteLine($"     (one open page during the run: {Spent("TaskDuration")}, {Spent("ScriptDuration")}, {Spent("LayoutDuration")}, {Spent("RecalcStyleDuration")})");
            var times = await TimesAsync(data, ids);
            var finished = times.Where(t => t.Value.Finished is not null).ToDictionary(t => t.Key, t => t.Value.Finished!.Value);
            var lags = new List<double>();
            foreach (var done in seen)
            {
                foreach (var id in ids)
                {
                    if (done.TryGetValue(id.ToString(), out var at) && finished.TryGetValue(id, out var end))
                    {
                        lags.Add(at - end.ToUnixTimeMilliseconds());
                    }
                }
            }

            // Where Generate → Processing went: the click until the job was admitted, the POST's turn, the POST, and the page.
            List<double> Stage(Func<int, DateTimeOffset?> from, Func<int, DateTimeOffset?> to) =>
                [.. Enumerable.Range(0, ids.Count).Where(i => from(i) is not null && to(i) is not null).Select(i => (to(i)!.Value - from(i)!.Value).TotalMilliseconds)];
            var admitted = Stage(i => clicks[i], i => times[ids[i]].Created);
            var turn = Stage(i => times[ids[i]].Created, i => times[ids[i]].PostStarted);
            var post = Stage(i => times[ids[i]].PostStarted, i => times[ids[i]].Submitted);
            var onPage = Stage(i => times[ids[i]].Submitted, i => shown[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     (Generate → Processing, medians: click → admitted {Percentile(admitted, 0.5):0} ms, → POST sent {Percentile(turn, 0.5):0} ms, → accepted {Percentile(post, 0.5):0} ms, → shown {Percentile(onPage, 0.5):0} ms)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{pageCount,4} | {Percentile(submits, 0.5),29:0} ms {Percentile(submits, 0.95),5:0} ms {submits.Max(),5:0} ms | {Percentile(lags, 0.5),45:0} ms {Percentile(lags, 0.95),5:0} ms {lags.DefaultIfEmpty(double.NaN).Max(),5:0} ms | {lags.Count} of {pageCount * jobCount} | CPU: app {cpu:0.0} s, Chromium {browserCpu:0.0} s, in {seconds:0} s"));
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }

            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<Dictionary<Guid, (DateTimeOffset Created, DateTimeOffset? PostStarted, DateTimeOffset? Submitted, DateTimeOffset? Finished)>> TimesAsync(string data, IReadOnlyList<Guid> ids)
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(data, "reapiweb.db")}"));
        await using var provider = services.BuildServiceProvider();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var rows = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).Select(j => new { j.Id, j.CreatedAt, j.PostStartedAt, j.SubmittedAt, j.FinishedAt }).ToListAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return rows.ToDictionary(r => r.Id, r => (r.CreatedAt, r.PostStartedAt, r.SubmittedAt, r.FinishedAt));
    }

    private static async Task<Dictionary<string, double>> MetricsAsync(ICDPSession session)
    {
        var result = await session.SendAsync("Performance.getMetrics");
        return result!.Value.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    }

    /// <summary>CPU time used so far by every Chromium process (user + system, from /proc).</summary>
    private static double BrowserCpuSeconds()
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                if (!name.StartsWith("chrom", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // A process that ended meanwhile.
            }
        }

        return ticks / 100.0;
    }

    private static double Percentile(List<double> values, double share)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)];
    }
}
