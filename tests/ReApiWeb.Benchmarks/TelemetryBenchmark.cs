using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What telemetry costs, on and off in one run: the admission benchmark (in this process, the app's services; on:
/// its meters and traces collected and exported by OTLP) in alternating rounds, then a page-load loop on the published
/// app in Production (on: <c>Telemetry:Enabled</c> with the Prometheus endpoint and OTLP; off: <c>Telemetry:Enabled=false</c>),
/// a signed-in person loading their gallery from several clients at once. Prints each figure and the ratios.
/// <c>--telemetry --app DIR/ReApiWeb.dll [--rounds 3] [--count 3000] [--pages 3000] [--clients 8]</c>.
/// </summary>
public static partial class TelemetryBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var rounds = CircuitBenchmark.Counts(args, "--rounds", [3])[0];
        var pages = CircuitBenchmark.Counts(args, "--pages", [3000])[0];
        var clients = CircuitBenchmark.Counts(args, "--clients", [8])[0];
        var (workers, total, history, server) = AdmissionBenchmark.Settings(args);

        Console.WriteLine($"Telemetry benchmark: admission ({workers} submitters, {total} submissions, {history} entries of history) in {rounds} rounds of off then on; " +
                          $"then {pages} loads of /jobs from {clients} clients on the published app, off then on.");
        var off = new List<AdmissionFigures>();
        var on = new List<AdmissionFigures>();
        for (var round = 0; round < rounds; round++)
        {
            off.Add(await AdmissionBenchmark.MeasureAsync(workers, total, history, server, telemetry: false, say: false));
            on.Add(await AdmissionBenchmark.MeasureAsync(workers, total, history, server, telemetry: true, say: false));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: off {off[^1].PerSecond:0}/s p95 {off[^1].P95:0.0} ms · on {on[^1].PerSecond:0}/s p95 {on[^1].P95:0.0} ms"));
        }

        if (rounds > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"admission: off {off.Average(f => f.PerSecond):0}/s p50 {off.Average(f => f.P50):0.0} p95 {off.Average(f => f.P95):0.0} ms; " +
            $"on {on.Average(f => f.PerSecond):0}/s p50 {on.Average(f => f.P50):0.0} p95 {on.Average(f => f.P95):0.0} ms; " +
            $"throughput on/off {on.Average(f => f.PerSecond) / off.Average(f => f.PerSecond):0.000}, p95 on/off {on.Average(f => f.P95) / off.Average(f => f.P95):0.000}"));
        }

        // A collector that takes everything (OTLP over HTTP), so export costs what it costs against a live one.
        using var collector = new System.Net.HttpListener();
        var collectorPort = CircuitBenchmark.FreePort();
        collector.Prefixes.Add($"http://127.0.0.1:{collectorPort}/");
        collector.Start();
        long received = 0;
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                try
                {
                    var context = await collector.GetContextAsync();
                    await context.Request.InputStream.CopyToAsync(Stream.Null);
                    Interlocked.Add(ref received, context.Request.ContentLength64);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        });

        // Alternating, twice each, so neither order nor the machine's drift favours one.
        var modes = new[] { Mode.Off, Mode.Prometheus, Mode.PrometheusAndOtlp };
        var figures = modes.ToDictionary(m => m, _ => new List<PageFigures>());
        for (var round = 0; round < 2; round++)
        {
            foreach (var mode in modes)
            {
                figures[mode].Add(await PageLoopAsync(dll, mode, collectorPort, pages, clients));
            }
        }

        var baseline = figures[Mode.Off];
        foreach (var mode in modes)
        {
            var f = figures[mode];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pages, {Describe(mode)}: {f.Average(x => x.PerSecond):0}/s p50 {f.Average(x => x.P50):0.0} p95 {f.Average(x => x.P95):0.0} ms; " +
                $"throughput vs off {f.Average(x => x.PerSecond) / baseline.Average(x => x.PerSecond):0.000}, p95 vs off {f.Average(x => x.P95) / baseline.Average(x => x.P95):0.000}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the collector received {Interlocked.Read(ref received) / 1024.0 / 1024:0.0} MB of OTLP"));
        return off.Concat(on).Any(f => f.Overspent > 0) ? 1 : 0;
    }

    private sealed record PageFigures(double PerSecond, double P50, double P95);

    private enum Mode
    {
        Off,
        Prometheus,
        PrometheusAndOtlp,
    }

    private static string Describe(Mode mode) => mode switch
    {
        Mode.Off => "telemetry off",
        Mode.Prometheus => "on, /metrics enabled (no scrape), no OTLP",
        _ => "on, /metrics enabled and OTLP to a collector",
    };

    private static async Task<PageFigures> PageLoopAsync(string dll, Mode mode, int collectorPort, int pages, int clients)
    {
        var data = Directory.CreateTempSubdirectory("reapiweb-telemetry-bench").FullName;
        var baseUrl = $"http://127.0.0.1:{CircuitBenchmark.FreePort()}";
        var settings = new Dictionary<string, string> { ["Telemetry__Enabled"] = mode == Mode.Off ? "false" : "true" };
        if (mode != Mode.Off)
        {
            settings["Telemetry__Prometheus__Enabled"] = "true";
            settings["Telemetry__Prometheus__Token"] = "telemetry-benchmark-token";
        }

        if (mode == Mode.PrometheusAndOtlp)
        {
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}";
            settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }

        // A gallery of 200 jobs, the person who made them signs in.
        await CircuitBenchmark.SeedAsync(data, 200);
        using var app = CircuitBenchmark.StartApp(dll, data, baseUrl, settings);
        try
        {
            await CircuitBenchmark.WaitForHealthAsync(baseUrl);
            var cookies = new System.Net.CookieContainer();
            using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(baseUrl) };
            var login = await http.GetStringAsync("/login");
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = AntiforgeryField().Match(login).Groups[1].Value,
                ["Email"] = CircuitBenchmark.Email,
                ["Password"] = CircuitBenchmark.Password,
                ["ReturnUrl"] = "/jobs",
            });
            using (var signedIn = await http.PostAsync("/authentication/login", form))
            {
                if (signedIn.StatusCode != System.Net.HttpStatusCode.Redirect)
                {
                    throw new InvalidOperationException($"Signing in failed: {(int)signedIn.StatusCode}");
                }
            }

            for (var i = 0; i < 100; i++)
            {
                await LoadAsync(http);
            }

            var latencies = new double[pages];
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < pages)
                {
                    var started = Stopwatch.GetTimestamp();
                    await LoadAsync(http);
                    latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            })));
            clock.Stop();
            Array.Sort(latencies);
            var figures = new PageFigures(pages / clock.Elapsed.TotalSeconds, latencies[pages / 2], latencies[(int)(pages * 0.95)]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  pages, {Describe(mode)}: {figures.PerSecond:0}/s, p50 {figures.P50:0.0} ms, p95 {figures.P95:0.0} ms"));
            return figures;
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task LoadAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/jobs");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/jobs answered {(int)response.StatusCode}");
        }

        _ = await response.Content.ReadAsByteArrayAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
