using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What the app adds to chat, on the published app in Production against a sandbox chat host in this process:
/// time to first token through <c>/v1/chat/completions</c> against the sandbox's own (p50/p95 of sequential requests),
/// tokens per second with 50 concurrent streams through the app and directly, and the app's managed heap per open
/// streaming reply (dotnet-gcdump after a full GC, with 0 and with N slow streams open).
/// <c>--chat --app DIR/ReApiWeb.dll [--requests 50] [--streams 50]</c>.
/// </summary>
public static class ChatBenchmark
{
    private const string Key = "rk_live_chat_bench";

    public static async Task<int> RunAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var requests = CircuitBenchmark.Counts(args, "--requests", [50])[0];
        var streams = CircuitBenchmark.Counts(args, "--streams", [50])[0];
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.ChatRequestsPerSecond = 10_000;
            o.StartingBalance = 100_000_000;
        });
        var data = Directory.CreateTempSubdirectory("reapiweb-chat-bench").FullName;
        var token = await SeedAsync(data);
        var port = CircuitBenchmark.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var app = CircuitBenchmark.StartApp(dll, data, baseUrl, new Dictionary<string, string>
        {
            ["ReApi__BaseUrl"] = sandbox.BaseUri.AbsoluteUri,
            ["ReApi__ApiKey"] = Key,
            ["ReApi__RequestsPerSecond"] = "1000",
            ["Sandbox__Enabled"] = "false",
            ["Api__RequestsPerSecondPerPerson"] = "1000",
        });
        try
        {
            await CircuitBenchmark.WaitForHealthAsync(baseUrl);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var direct = new Endpoint(new Uri(sandbox.BaseUri, "/v1/chat/completions"), Key);
            var proxied = new Endpoint(new Uri($"{baseUrl}/v1/chat/completions"), token);
            Console.WriteLine($"Chat benchmark: published app in Production at {baseUrl}, sandbox chat host in this process (first token after 300 ms, then 15 ms a token).");

            // Warm both paths (JIT, connections, the app's first ledger writes).
            for (var i = 0; i < 5; i++)
            {
                await StreamAsync(http, direct, "warm up");
                await StreamAsync(http, proxied, "warm up");
            }

            var directFirst = new List<double>();
            var proxiedFirst = new List<double>();
            for (var i = 0; i < requests; i++)
            {
                directFirst.Add((await StreamAsync(http, direct, $"first token {i}")).FirstToken.TotalMilliseconds);
                proxiedFirst.Add((await StreamAsync(http, proxied, $"first token {i}")).FirstToken.TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time to first token over {requests} sequential requests: sandbox p50 {Report.Percentile(directFirst, 0.5):0.0} ms, p95 {Report.Percentile(directFirst, 0.95):0.0} ms; " +
                $"through the app p50 {Report.Percentile(proxiedFirst, 0.5):0.0} ms, p95 {Report.Percentile(proxiedFirst, 0.95):0.0} ms; " +
                $"added p50 {Report.Percentile(proxiedFirst, 0.5) - Report.Percentile(directFirst, 0.5):0.0} ms, p95 {Report.Percentile(proxiedFirst, 0.95) - Report.Percentile(directFirst, 0.95):0.0} ms"));

            foreach (var (name, endpoint) in new[] { ("directly", direct), ("through the app", proxied) })
            {
                var clock = Stopwatch.StartNew();
                var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => StreamAsync(http, endpoint, $"[[long]] throughput {i}")));
                var seconds = clock.Elapsed.TotalSeconds;
                var tokens = results.Sum(r => r.Tokens);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{streams} concurrent streams {name}: {tokens:N0} tokens in {seconds:0.00} s = {tokens / seconds:N0} tokens/s ({tokens / seconds / streams:0.0} per stream; the sandbox sends {1000.0 / 15:0.0} per stream)"));
            }

            var idle = await CircuitBenchmark.HeapAsync(app.Id);
            using var open = new CancellationTokenSource();
            var started = 0;
            var slow = Enumerable.Range(0, streams).Select(i => StreamAsync(http, proxied, $"[[long]] [[slow]] memory {i}", open.Token, () => Interlocked.Increment(ref started))).ToList();
            await UntilAsync(() => Volatile.Read(ref started) == streams, TimeSpan.FromSeconds(60));
            Console.WriteLine($"{Volatile.Read(ref started)} of {streams} slow streams are writing (a token each 200 ms, 60 s long)");
            var busy = await CircuitBenchmark.HeapAsync(app.Id);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"managed heap: {idle / 1e6:0.0} MB idle, {busy / 1e6:0.0} MB with {streams} streams open: {(busy - idle) / 1024.0 / streams:0.0} KB per open stream"));
            await open.CancelAsync();
            await Task.WhenAll(slow.Select(async t =>
            {
                try
                {
                    await t;
                }
                catch (OperationCanceledException)
                {
                    // Stopped on purpose.
                }
            }));
            return 0;
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    private sealed record Endpoint(Uri Url, string Key);

    private sealed record Result(TimeSpan FirstToken, int Tokens);

    /// <summary>One streamed reply: how long until its first text arrived, and how many chunks of text it had.</summary>
    private static async Task<Result> StreamAsync(HttpClient http, Endpoint endpoint, string prompt, CancellationToken cancellationToken = default, Action? onFirst = null)
    {
        var body = new JsonObject
        {
            ["model"] = "deepseek-v4-flash",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["stream"] = true,
            ["max_tokens"] = 400,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Key);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        TimeSpan? first = null;
        var tokens = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                if (first is null)
                {
                    first = clock.Elapsed;
                    onFirst?.Invoke();
                }

                tokens++;
            }
        }

        return new Result(first ?? clock.Elapsed, tokens);
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>A member and a personal token for them, written before the app starts; returns the token.</summary>
    private static async Task<string> SeedAsync(string data)
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(data, "reapiweb.db")}"));
        await using var provider = services.BuildServiceProvider();
        await provider.MigrateDatabaseAsync();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var person = new User { Email = "chatter@bench.local", DisplayName = "Bench Chatter", CreatedAt = DateTimeOffset.UtcNow };
        person.PasswordHash = new PasswordHasher<User>().HashPassword(person, "bench-password-1");
        db.Users.Add(person);
        var secret = PersonalTokens.TokenPrefix + Secrets.New();
        db.PersonalAccessTokens.Add(new PersonalAccessToken { UserId = person.Id, Name = "bench", Prefix = secret[..12], Hash = Secrets.Hash(secret), CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        await db.SaveChangesAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return secret;
    }
}
