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
                var person = (await SeedAsync(provider, directory, rows))[0];
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
    /// <c>GET /api/v1/balance</c> on the published app (<c>--balance --http --app DIR/ReApiWeb.dll [--seconds S]
    /// [--rounds R]</c>) with 256 connections spread over four people, each with a personal token and 100, 10,000 or
    /// 1,000,000 ledger rows of their own (four people, so the per-person request limit, raised to its highest, never
    /// shapes the run). The three databases are made first; then each round starts the app on each in turn (the order
    /// turning from round to round), so drift of the machine over time falls on every size alike.
    /// </summary>
    private static async Task<int> RunOverHttpAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll)
        {
            return 2;
        }

        var seconds = Array.IndexOf(args, "--seconds") is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : 20;
        var rounds = Array.IndexOf(args, "--rounds") is var r and >= 0 && r + 1 < args.Length ? int.Parse(args[r + 1], CultureInfo.InvariantCulture) : 3;
        const int People = 4;
        int[] sizes = [100, 10_000, 1_000_000];
        var databases = new Dictionary<int, (string Data, string[] Tokens)>();
        try
        {
            foreach (var rows in sizes)
            {
                var data = Directory.CreateTempSubdirectory("reapiweb-balance-http").FullName;
                await using (var provider = AdmissionBenchmark.Services(data))
                {
                    await provider.MigrateDatabaseAsync();
                    var people = await SeedAsync(provider, data, rows, People);
                    await provider.GetRequiredService<CreditTotals>().RebuildAsync(CancellationToken.None); // as the app would at its first start
                    databases[rows] = (data, [.. await Task.WhenAll(people.Select(p => TokenAsync(provider, p)))]);
                }

                SqliteConnection.ClearAllPools();
                File.Move(Path.Combine(data, "bench.db"), Path.Combine(data, "reapiweb.db"));
            }

            Console.WriteLine($"Balance over HTTP: GET /api/v1/balance with 256 connections over {People} people's personal tokens, {seconds} s a run after 5 s of warm-up, published app in Production.");
            Console.WriteLine("Each person has the ledger rows of the first column; the per-person limit is at its highest (1,000 requests/s), so four people can ask for 4,000/s; a 429 would be counted apart.");
            Console.WriteLine("| round | ledger rows a person | balances/s (200) | refused or failed | p50 (ms) | p99 (ms) |");
            Console.WriteLine("|-------|----------------------|------------------|-------------------|----------|----------|");
            var results = sizes.ToDictionary(s => s, _ => new List<double>());
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var rows in sizes.Skip(round % sizes.Length).Concat(sizes.Take(round % sizes.Length)))
                {
                    var (perSecond, failed, p50, p99) = await MeasureOverHttpAsync(dll, databases[rows].Data, databases[rows].Tokens, seconds);
                    results[rows].Add(perSecond);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round,5} | {rows,20:N0} | {perSecond,16:0} | {failed,17:N0} | {p50,8:0.0} | {p99,8:0.0} |"));
                }
            }

            var medians = sizes.ToDictionary(s => s, s => results[s].Order().ElementAt(results[s].Count / 2));
            Console.WriteLine();
            Console.WriteLine("| ledger rows a person | median balances/s | runs |");
            Console.WriteLine("|----------------------|-------------------|------|");
            foreach (var rows in sizes)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {rows,20:N0} | {medians[rows],17:0} | {string.Join(", ", results[rows].Select(x => x.ToString("0", CultureInfo.InvariantCulture))),-4} |"));
            }

            var spread = medians.Values.Max() / medians.Values.Min() - 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Highest median over lowest: +{spread:P1} (the target: within 10%)."));
            return 0;
        }
        finally
        {
            foreach (var (data, _) in databases.Values)
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>One run: the app started on <paramref name="data"/>, 5 s of warm-up, then <paramref name="seconds"/> of reads; the app stopped.</summary>
    private static async Task<(double PerSecond, int Failed, double P50, double P99)> MeasureOverHttpAsync(string dll, string data, string[] tokens, double seconds)
    {
        var baseUrl = $"http://127.0.0.1:{CircuitBenchmark.FreePort()}";
        using var app = CircuitBenchmark.StartApp(dll, data, baseUrl, new Dictionary<string, string> { ["Api__RequestsPerSecondPerPerson"] = "1000" });
        try
        {
            await CircuitBenchmark.WaitForHealthAsync(baseUrl);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(baseUrl) };
            var failed = 0;
            var next = 0;
            async Task ReadOnceAsync()
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/balance");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens[(uint)Interlocked.Increment(ref next) % tokens.Length]);
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failed);
                }
            }

            await ReadAsync(ReadOnceAsync, TimeSpan.FromSeconds(5), 256);
            failed = 0;
            var (perSecond, p50, p99) = await ReadAsync(ReadOnceAsync, TimeSpan.FromSeconds(seconds), 256);
            return (perSecond - failed / seconds, failed, p50, p99);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
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

    /// <summary>
    /// <paramref name="people"/> people in a group with three allowances (a day's for each, the group's week, the team's
    /// month), each with <paramref name="rows"/> ledger rows over the last 60 days (written in bulk).
    /// </summary>
    private static async Task<Guid[]> SeedAsync(IServiceProvider provider, string directory, int rows, int people = 1)
    {
        var now = DateTimeOffset.UtcNow;
        var readers = Enumerable.Range(0, people).Select(n => new User { Email = $"reader{n}@test.local", DisplayName = $"reader {n}", CreatedAt = now }).ToArray();
        await using (var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var group = new Group { Name = "readers", CreatedAt = now };
            foreach (var person in readers)
            {
                db.Users.Add(person);
                group.Members.Add(new GroupMember { UserId = person.Id });
                db.Quotas.Add(new Quota { Scope = QuotaScope.User, SubjectId = person.Id, Period = QuotaPeriod.Day, Credits = 1_000_000, UpdatedAt = now });
            }

            db.Groups.Add(group);
            db.Quotas.Add(new Quota { Scope = QuotaScope.Group, SubjectId = group.Id, Period = QuotaPeriod.Week, Credits = 10_000_000, UpdatedAt = now });
            db.Quotas.Add(new Quota { Scope = QuotaScope.Team, Period = QuotaPeriod.Month, Credits = 100_000_000, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        // Holds and charges in pairs, as finished jobs leave them.
        var random = new Random(7);
        await LedgerHistory.WriteAsync($"Data Source={Path.Combine(directory, "bench.db")}",
            readers.SelectMany(person => Enumerable.Range(0, rows).Select(row => (person.Id, row % 2 == 0 ? LedgerEntryKind.Hold : LedgerEntryKind.Charge, now.AddDays(-random.NextDouble() * 60)))));
        return [.. readers.Select(p => p.Id)];
    }
}
