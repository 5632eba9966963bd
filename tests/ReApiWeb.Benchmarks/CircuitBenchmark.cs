using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReApiWeb.Data;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What an open gallery costs the server and the network, on the published app in Production: a person with 1,000
/// jobs opens "My jobs" in N = 50, 100 and 200 signed-in Chromium contexts; the app's managed heap is read after a
/// full GC (dotnet-gcdump, a local tool) at each N, and the slope per circuit printed. Then the bytes one page load
/// transfers, cold (empty cache) and warm (a reload): HTTP bodies as sent (compressed) and headers, plus circuit frames.
/// Run it on a published build: <c>dotnet publish src/ReApiWeb -c Release -o DIR</c>, then
/// <c>--circuits --app DIR/ReApiWeb.dll</c>.
/// </summary>
public static partial class CircuitBenchmark
{
    internal const string Email = "maker@bench.local";
    internal const string Password = "bench-password-1";

    public static async Task<int> RunAsync(string[] args)
    {
        if (PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var counts = Counts(args, "--contexts", [50, 100, 200]);
        // Another page than the gallery (--path /tokens) shows what the layout alone costs.
        var path = Array.IndexOf(args, "--path") is var p and >= 0 && p + 1 < args.Length ? args[p + 1] : "/jobs";
        var data = Directory.CreateTempSubdirectory("reapiweb-circuit-bench").FullName;
        await SeedAsync(data, jobs: 1_000);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = StartApp(dll, data, baseUrl);
        try
        {
            await WaitForHealthAsync(baseUrl);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
            });

            Console.WriteLine($"Circuit benchmark: published app in Production at {baseUrl}, a person with 1,000 jobs on \"My jobs\" (48 tiles a page).");
            var state = await SignInAsync(browser, baseUrl);
            await MeasureBytesAsync(browser, baseUrl, state);

            var idle = await HeapAsync(app.Id);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"managed heap with no gallery open: {idle / 1e6:0.0} MB"));
            var open = new List<IBrowserContext>();
            var heaps = new List<(int Count, long Bytes)>();
            foreach (var count in counts)
            {
                while (open.Count < count)
                {
                    var context = await browser.NewContextAsync(new() { StorageState = state, ViewportSize = new() { Width = 1366, Height = 900 } });
                    var page = await context.NewPageAsync();
                    await page.GotoAsync(baseUrl + path);
                    await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
                    open.Add(context);
                }

                var heap = await HeapAsync(app.Id);
                heaps.Add((count, heap));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"managed heap with {count} pages of {path} open: {heap / 1e6:0.0} MB ({(heap - idle) / 1e3 / count:0} KB a circuit above idle)"));
            }

            if (heaps.Count > 1)
            {
                var slope = (double)(heaps[^1].Bytes - heaps[0].Bytes) / (heaps[^1].Count - heaps[0].Count);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slope from {heaps[0].Count} to {heaps[^1].Count}: {slope / 1e3:0} KB of managed heap a circuit"));
            }

            foreach (var context in open)
            {
                await context.CloseAsync();
            }

            return 0;
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The published app given as <c>--app DIR/ReApiWeb.dll</c>, or null (and why) when it is missing.</summary>
    internal static string? PublishedApp(string[] args)
    {
        var index = Array.IndexOf(args, "--app");
        if (index >= 0 && index + 1 < args.Length && File.Exists(args[index + 1]))
        {
            return args[index + 1];
        }

        Console.Error.WriteLine("Give the published app: --app DIR/ReApiWeb.dll (dotnet publish src/ReApiWeb -c Release -o DIR).");
        return null;
    }

    /// <summary>A comma-separated list of counts given after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    internal static int[] Counts(string[] args, string name, int[] fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]
            : fallback;

    /// <summary>
    /// One page load's transfer: every response's headers and body as sent, and the circuit's messages both ways (as
    /// Chromium reports them: decompressed); and what actually crossed the wire, counted by a TCP relay between the
    /// browser and the app (compressed WebSocket frames, both directions, requests included).
    /// </summary>
    private static async Task MeasureBytesAsync(IBrowser browser, string baseUrl, string state)
    {
        await using var relay = new CountingRelay(new Uri(baseUrl).Port);
        baseUrl = $"http://127.0.0.1:{relay.Port}";
        await using var context = await browser.NewContextAsync(new() { StorageState = state, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        long http = 0, frames = 0, responses = 0;
        var pending = new List<Task>();
        page.RequestFinished += (_, request) => pending.Add(Task.Run(async () =>
        {
            var sizes = await request.SizesAsync();
            Interlocked.Add(ref http, sizes.ResponseBodySize + sizes.ResponseHeadersSize);
            if (Environment.GetEnvironmentVariable("CIRCUIT_BENCH_RESPONSES") is not null)
            {
                Console.WriteLine($"  {sizes.ResponseBodySize,8} + {sizes.ResponseHeadersSize,5} {request.Url}");
            }
            Interlocked.Increment(ref responses);
        }));
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => Interlocked.Add(ref frames, frame.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(frame.Text ?? ""));
            socket.FrameSent += (_, frame) => Interlocked.Add(ref frames, frame.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(frame.Text ?? ""));
        };

        async Task<(long Http, long Frames, long Responses, long Wire)> LoadAsync(Func<Task> navigate)
        {
            Interlocked.Exchange(ref http, 0);
            Interlocked.Exchange(ref frames, 0);
            Interlocked.Exchange(ref responses, 0);
            relay.Reset();
            await navigate();
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Task.WhenAll(pending.ToArray());
            return (Interlocked.Read(ref http), Interlocked.Read(ref frames), Interlocked.Read(ref responses), relay.Bytes);
        }

        var cold = await LoadAsync(() => page.GotoAsync(baseUrl + "/jobs"));
        var warm = await LoadAsync(() => page.ReloadAsync());
        foreach (var (name, load) in new[] { ("cold (empty cache)", cold), ("warm (reload)", warm) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gallery load, {name}: {load.Wire / 1024.0:0.0} KB over the wire (both ways); HTTP {load.Http / 1024.0:0.0} KB in {load.Responses} responses, circuit messages {load.Frames / 1024.0:0.0} KB before WebSocket compression"));
        }
    }

    internal static async Task<string> SignInAsync(IBrowser browser, string baseUrl)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/login");
        await page.FillAsync("#email", Email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/jobs");
        return await context.StorageStateAsync();
    }

    /// <summary>The app's managed heap after a full collection, as dotnet-gcdump (a local tool: dotnet tool restore) reports it.</summary>
    internal static async Task<long> HeapAsync(int processId)
    {
        var file = Path.Combine(Path.GetTempPath(), $"reapiweb-{processId}-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunToolAsync("gcdump", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", file);
            var report = await RunToolAsync("gcdump", "report", file);
            if (Environment.GetEnvironmentVariable("CIRCUIT_BENCH_REPORTS") is { } folder)
            {
                // Where to look for what a circuit holds: each report lists the heap by type.
                Directory.CreateDirectory(folder);
                await File.WriteAllTextAsync(Path.Combine(folder, $"heap-{DateTime.UtcNow:HHmmss}.txt"), report);
            }

            var match = HeapBytes().Match(report);
            return match.Success ? long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : throw new InvalidOperationException("dotnet-gcdump printed no heap size:\n" + report);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> RunToolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed: {errors}{output}");
    }

    /// <summary>The person and their 1,000 finished jobs, each with an archived image and its preview, written before the app starts.</summary>
    internal static async Task SeedAsync(string data, int jobs)
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(data, "reapiweb.db")}"));
        await using var provider = services.BuildServiceProvider();
        await provider.MigrateDatabaseAsync();
        var outputs = Path.Combine(data, "outputs");
        var image = Path.Combine(outputs, "seed.png");
        Directory.CreateDirectory(outputs);
        await File.WriteAllBytesAsync(image, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="));
        Thumbnails.FromImage(image, Path.Combine(outputs, "seed.thumb.webp"));

        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var person = new User { Email = Email, DisplayName = "Bench Maker", CreatedAt = DateTimeOffset.UtcNow };
        person.PasswordHash = new PasswordHasher<User>().HashPassword(person, Password);
        db.Users.Add(person);
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        for (var i = 0; i < jobs; i++)
        {
            var job = new Job
            {
                OwnerId = person.Id, ModelId = "z-image", Prompt = $"benchmark image {i}: a lighthouse on a cliff at dawn, watercolor, soft light",
                RequestJson = "{}", SubmissionKey = Guid.NewGuid(), Status = JobStatus.Completed, CreatedAt = start.AddMinutes(i), Visibility = JobVisibility.Team,
            };
            db.Jobs.Add(job);
            db.JobOutputs.Add(new JobOutput { JobId = job.Id, Kind = OutputMediaKind.Image, UpstreamUrl = "https://cdn.example/x.png", StoragePath = "seed.png", ThumbnailPath = "seed.thumb.webp", ContentType = "image/png", ArchivedAt = job.CreatedAt });
            db.Ledger.Add(new LedgerEntry { UserId = person.Id, JobId = job.Id, Kind = LedgerEntryKind.Charge, Credits = 30, At = job.CreatedAt, PeriodAt = job.CreatedAt, ModelId = job.ModelId });
        }

        await db.SaveChangesAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <param name="output">Gets each line the app writes to standard output (dropped when null).</param>
    internal static Process StartApp(string dll, string data, string baseUrl, IReadOnlyDictionary<string, string>? settings = null, Action<string>? output = null)
    {
        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["Storage__DataDirectory"] = data;
        start.Environment["Auth__BootstrapAdmin__Email"] = "admin@bench.local";
        start.Environment["Auth__BootstrapAdmin__Password"] = "bench-admin-password";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output?.Invoke(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("app: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitForHealthAsync(string baseUrl)
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                if ((await http.GetAsync(baseUrl + "/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The app did not become healthy within a minute.");
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback TCP relay to the app that counts every byte it carries, both ways.</summary>
    private sealed class CountingRelay : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _target;
        private long _bytes;

        public CountingRelay(int target)
        {
            _target = target;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Reset() => Interlocked.Exchange(ref _bytes, 0);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new System.Net.Sockets.TcpClient();
                await server.ConnectAsync(System.Net.IPAddress.Loopback, _target, _stop.Token);
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }

        private async Task PumpAsync(System.Net.Sockets.TcpClient from, System.Net.Sockets.TcpClient to)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int read;
                while ((read = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
                {
                    Interlocked.Add(ref _bytes, read);
                    await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // One side closed.
            }
            finally
            {
                from.Dispose();
                to.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    [GeneratedRegex(@"([\d,]+)\s+GC Heap bytes")]
    private static partial Regex HeapBytes();
}
