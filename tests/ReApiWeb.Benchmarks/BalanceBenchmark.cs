using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// What a balance costs as a person's ledger grows: for 100, 10,000 and 1,000,000 ledger rows of one person (with a
/// daily, a group and a team allowance), 64 concurrent readers call <see cref="CreditBalances.ForUserAsync"/> (what
/// <c>/api/v1/balance</c>, the app bar and every admission read) for a few seconds; then the totals are checked against
/// the ledger (<see cref="CreditTotals.VerifyAsync"/>).
/// </summary>
public static class BalanceBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--http"))
        {
            return await RunOverHttpAsync(args);
        }

        var seconds = Array.IndexOf(args, "--seconds") is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"Balance benchmark: 64 concurrent readers of one person's balance for {seconds} s, SQLite WAL, after the running totals are rebuilt from the ledger.");
        Console.WriteLine("| ledger rows of the person | balances/s | p50 (ms) | p99 (ms) | before: sums of the ledger/s | before p99 (ms) | rebuild (s) | totals = ledger |");
        Console.WriteLine("|---------------------------|------------|----------|----------|------------------------------|-----------------|-------------|-----------------|");
        var failed = false;
        // The first pass (100 rows, not printed) warms the process: JIT tiers, EF's compiled queries, SQLite's code.
        foreach (var (rows, print) in new[] { (100, false), (100, true), (10_000, true), (1_000_000, true) })
        {
            var directory = Path.Combine(Path.GetTempPath(), "reapiweb-balance-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            await using (var provider = AdmissionBenchmark.Services(directory))
            {
                await provider.MigrateDatabaseAsync();
                var person = await SeedAsync(provider, directory, rows);
                var rebuild = Stopwatch.StartNew();
                var totals = provider.GetRequiredService<CreditTotals>();
                await totals.RebuildAsync(CancellationToken.None);
                rebuild.Stop();
                var balances = provider.GetRequiredService<CreditBalances>();
                var dbFactory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
                await ReadAsync(() => balances.ForUserAsync(person, CancellationToken.None), TimeSpan.FromSeconds(3)); // warm-up (JIT tiers, connection pool, page cache)
                var (perSecond, p50, p99) = await ReadAsync(() => balances.ForUserAsync(person, CancellationToken.None), TimeSpan.FromSeconds(seconds));
                var (beforePerSecond, _, beforeP99) = await ReadAsync(() => LedgerSumsAsync(dbFactory, person), TimeSpan.FromSeconds(seconds));
                var differences = await totals.VerifyAsync(CancellationToken.None);
                failed |= differences.Count > 0;
                if (print)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {rows,25:N0} | {perSecond,10:0} | {p50,8:0.00} | {p99,8:0.00} | {beforePerSecond,28:0} | {beforeP99,15:0.00} | {rebuild.Elapsed.TotalSeconds,11:0.0} | {(differences.Count == 0 ? "yes" : $"NO ({differences.Count})"),-15} |"));
                }
            }

            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        return failed ? 1 : 0;
    }

    /// <summary>
    /// <c>GET /api/v1/balance</c> on the published app (<c>--balance --http --app DIR/ReApiWeb.dll</c>) with 256
    /// connections for a few seconds, by a person with 100, 10,000 and 1,000,000 ledger rows and a personal token (the
    /// per-person request limit raised for the run). The app rebuilds the totals from the ledger when it starts.
    /// </summary>
    private static async Task<int> RunOverHttpAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var seconds = Array.IndexOf(args, "--seconds") is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : 10;
        Console.WriteLine($"Balance over HTTP: GET /api/v1/balance with 256 connections for {seconds} s, published app in Production, one person's personal token.");
        Console.WriteLine("The per-person limit is raised to its highest (1,000 requests/s); what it refused (429) is counted apart.");
        Console.WriteLine("| ledger rows of the person | balances/s (200) | refused (429) | p50 (ms) | p99 (ms) |");
        Console.WriteLine("|---------------------------|------------------|---------------|----------|----------|");
        foreach (var (rows, print) in new[] { (100, false), (100, true), (10_000, true), (1_000_000, true) })
        {
            var data = Directory.CreateTempSubdirectory("reapiweb-balance-http").FullName;
            string token;
            await using (var provider = AdmissionBenchmark.Services(data))
            {
                await provider.MigrateDatabaseAsync();
                var person = await SeedAsync(provider, data, rows);
                token = await TokenAsync(provider, person);
            }

            SqliteConnection.ClearAllPools();
            File.Move(Path.Combine(data, "bench.db"), Path.Combine(data, "reapiweb.db"));
            var baseUrl = $"http://127.0.0.1:{CircuitBenchmark.FreePort()}";
            using var app = CircuitBenchmark.StartApp(dll, data, baseUrl, new Dictionary<string, string> { ["Api__RequestsPerSecondPerPerson"] = "1000" });
            try
            {
                await CircuitBenchmark.WaitForHealthAsync(baseUrl);
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(baseUrl) };
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var errors = 0;
                async Task ReadOnceAsync()
                {
                    using var response = await http.GetAsync("/api/v1/balance");
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }

                await ReadAsync(ReadOnceAsync, TimeSpan.FromSeconds(3), 256); // warm-up
                errors = 0;
                var (perSecond, p50, p99) = await ReadAsync(ReadOnceAsync, TimeSpan.FromSeconds(seconds), 256);
                if (print)
                {
                    var answered = perSecond - errors / seconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {rows,25:N0} | {answered,16:0} | {errors,13:N0} | {p50,8:0.0} | {p99,8:0.0} |"));
                }
            }
            finally
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync();
                Directory.Delete(data, recursive: true);
            }
        }

        return 0;
    }

    private static async Task<string> TokenAsync(IServiceProvider provider, Guid person)
    {
        var secret = ReApiWeb.Features.Auth.Tokens.PersonalTokens.TokenPrefix + ReApiWeb.Features.Auth.Secrets.New();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.PersonalAccessTokens.Add(new PersonalAccessToken { UserId = person, Name = "bench", Prefix = secret[..12], Hash = ReApiWeb.Features.Auth.Secrets.Hash(secret), CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return secret;
    }

    /// <summary>
    /// The same figures as earlier versions read them, summing the person's ledger on every read (reserved, spent this
    /// month and in all, and the three allowances: the person's day, the group's week, the team's month).
    /// </summary>
    private static async Task<object> LedgerSumsAsync(IDbContextFactory<AppDbContext> dbFactory, Guid person)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var mine = db.Ledger.Where(e => e.UserId == person);
        var monthAgo = DateTimeOffset.UtcNow.AddDays(-30);
        var weekAgo = DateTimeOffset.UtcNow.AddDays(-7);
        var dayAgo = DateTimeOffset.UtcNow.AddDays(-1);
        static IQueryable<long> Signed(IQueryable<LedgerEntry> entries) => entries.Select(e => e.Kind == LedgerEntryKind.Hold ? e.Credits : -e.Credits);
        return new[]
        {
            await Signed(mine.Where(e => e.Kind != LedgerEntryKind.Refund)).SumAsync(),
            await Signed(mine.Where(e => e.PeriodAt >= monthAgo)).SumAsync(),
            await Signed(mine).SumAsync(),
            await Signed(mine.Where(e => e.PeriodAt >= dayAgo)).SumAsync(),
            await Signed(db.Ledger.Where(e => e.PeriodAt >= weekAgo && db.GroupMembers.Any(m => m.UserId == e.UserId))).SumAsync(),
            await Signed(db.Ledger.Where(e => e.PeriodAt >= monthAgo)).SumAsync(),
        };
    }

    private static async Task<(double PerSecond, double P50, double P99)> ReadAsync(Func<Task> read, TimeSpan duration, int readers = 64)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await read();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var sorted = latencies.Order().ToArray();
        return (sorted.Length / clock.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]);
    }

    /// <summary>One person in a group with three allowances and <paramref name="rows"/> ledger rows over the last 60 days (written in bulk).</summary>
    private static async Task<Guid> SeedAsync(IServiceProvider provider, string directory, int rows)
    {
        var now = DateTimeOffset.UtcNow;
        var person = new User { Email = "reader@test.local", DisplayName = "reader", CreatedAt = now };
        await using (var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.Users.Add(person);
            var group = new Group { Name = "readers", CreatedAt = now };
            group.Members.Add(new GroupMember { UserId = person.Id });
            db.Groups.Add(group);
            db.Quotas.Add(new Quota { Scope = QuotaScope.User, SubjectId = person.Id, Period = QuotaPeriod.Day, Credits = 1_000_000, UpdatedAt = now });
            db.Quotas.Add(new Quota { Scope = QuotaScope.Group, SubjectId = group.Id, Period = QuotaPeriod.Week, Credits = 10_000_000, UpdatedAt = now });
            db.Quotas.Add(new Quota { Scope = QuotaScope.Team, Period = QuotaPeriod.Month, Credits = 100_000_000, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        // Holds and charges in pairs, as finished jobs leave them.
        var random = new Random(7);
        await LedgerHistory.WriteAsync($"Data Source={Path.Combine(directory, "bench.db")}",
            Enumerable.Range(0, rows).Select(row => (person.Id, row % 2 == 0 ? LedgerEntryKind.Hold : LedgerEntryKind.Charge, now.AddDays(-random.NextDouble() * 60))));
        return person.Id;
    }
}
