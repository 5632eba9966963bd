using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// The poll schedule on a leader while the jobs are sent through every instance: the same Poisson arrivals and
/// log-normal durations go once to a single published instance and once spread over three, all on PostgreSQL and
/// Redis with one account; each job's delay is from its task finishing on the sandbox to the app marking it
/// completed (the leader learns of tasks sent elsewhere through the bus). The sandbox counts every request.
/// <c>--cluster-scheduler --app DIR/ReApiWeb.dll --postgres CONNECTION --redis HOST:PORT [--minutes 3 --rate 1.5 --median 30]</c>.
/// </summary>
internal static class ClusterSchedulerBenchmark
{
    private const string Key = "rk_live_cluster_scheduler";

    public static async Task<int> RunAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll || BenchmarkArgs.Value(args, "--postgres") is not { } server
            || BenchmarkArgs.Value(args, "--redis") is not { } redis)
        {
            Console.Error.WriteLine("Give --app DIR/ReApiWeb.dll, --postgres CONNECTION (a server the run may make a database on) and --redis HOST:PORT.");
            return 2;
        }

        var options = BenchmarkOptions.Parse(args) with { Duration = TimeSpan.FromMinutes(double.Parse(BenchmarkArgs.Value(args, "--minutes") ?? "3", System.Globalization.CultureInfo.InvariantCulture)) };
        var arrivals = Arrivals.Poisson(options.ArrivalsPerSecond, options.Duration, options.Seed);
        Console.WriteLine($"Cluster scheduler benchmark: {arrivals.Count} jobs over {options.Duration.TotalMinutes:0.#} min (Poisson, {options.ArrivalsPerSecond}/s, seed {options.Seed}), " +
            $"durations log-normal (median {options.MedianSeconds} s, sigma {options.Sigma}), one account limited to {options.RequestsPerSecond} requests/s; " +
            "sent through the app's API to 1 instance, then spread over 3.");
        var results = new List<ArmResult>();
        foreach (var instances in new[] { 1, 3 })
        {
            results.Add(await RunOnceAsync(dll, server, redis, instances, options, arrivals));
        }

        Report.Print(results, Console.Out);
        return 0;
    }

    private static async Task<ArmResult> RunOnceAsync(string dll, string server, string redis, int count, BenchmarkOptions options, IReadOnlyList<TimeSpan> arrivals)
    {
        await using var sandbox = await Arm.StartSandboxAsync(options, [Key]);
        await using var database = await PostgresDatabase.CreateAsync(server);
        using var cluster = new AppCluster(dll, count, database.ConnectionString, redis, sandbox.BaseUri, Key);
        await cluster.StartAsync();
        var dbOptions = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(database.ConnectionString).Options;
        var token = await TokenAsync(dbOptions);
        var clients = cluster.Instances.Select(i =>
        {
            var http = new HttpClient { BaseAddress = new Uri(i.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }).ToList();

        var waits = new ConcurrentBag<double>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        var submissions = new List<Task>();
        for (var i = 0; i < arrivals.Count; i++)
        {
            var wait = arrivals[i] - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var http = clients[i % clients.Count];
            var prompt = $"cluster scheduler {i}";
            submissions.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/v1/images/generations", new { model = "imagen-4-0", prompt });
                waits.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref refused);
                    Console.Error.WriteLine($"  job {prompt} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }));
        }

        await Task.WhenAll(submissions);
        var deadline = DateTimeOffset.UtcNow + options.Drain;
        var open = int.MaxValue;
        while (open > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(1000);
            await using var probe = new PostgresAppDbContext(dbOptions);
            open = await probe.Jobs.CountAsync(j => j.Status != JobStatus.Completed && j.Status != JobStatus.Failed);
        }

        await using var db = new PostgresAppDbContext(dbOptions);
        var finished = await db.Jobs.AsNoTracking().Where(j => j.TaskId != null && j.FinishedAt != null)
            .Select(j => new { j.TaskId, j.FinishedAt, j.SubmittedAt }).ToListAsync();
        var upstream = sandbox.State.Tasks.Where(t => t.FinishedAt is not null).ToDictionary(t => t.Id, t => t.FinishedAt!.Value);
        var delays = finished.Where(j => upstream.ContainsKey(j.TaskId!))
            .Select(j => Math.Max(0, (j.FinishedAt!.Value - upstream[j.TaskId!]).TotalSeconds)).ToList();
        var peak = finished.SelectMany(j => new[] { (At: j.SubmittedAt ?? j.FinishedAt!.Value, Step: 1), (At: j.FinishedAt!.Value, Step: -1) })
            .OrderBy(e => e.At).Aggregate((Now: 0, Max: 0), (s, e) => (s.Now + e.Step, Math.Max(s.Max, s.Now + e.Step))).Max;
        var log = sandbox.State.RequestLogOf(Key);
        var stats = sandbox.State.StatisticsOf(Key);
        foreach (var http in clients)
        {
            http.Dispose();
        }

        return new ArmResult(
            count == 1 ? "1 instance" : $"{count} instances",
            (int)stats.Submissions,
            delays.Count,
            delays,
            stats.RateLimited,
            log.GroupBy(t => t.ToUnixTimeMilliseconds() / 1000).Select(g => g.Count()).DefaultIfEmpty().Max(),
            Arm.MaxInSlidingSecond(log),
            stats.Submissions == 0 ? 0 : (double)stats.Polls / stats.Submissions,
            [.. waits],
            peak,
            refused + open);
    }

    /// <summary>A personal token of the bootstrap admin, written as the app writes one (only its hash is kept).</summary>
    private static async Task<string> TokenAsync(DbContextOptions<PostgresAppDbContext> options)
    {
        await using var db = new PostgresAppDbContext(options);
        var secret = PersonalTokens.TokenPrefix + Secrets.New();
        db.PersonalAccessTokens.Add(new PersonalAccessToken
        {
            UserId = await db.Users.Select(u => u.Id).FirstAsync(),
            Name = "benchmark",
            Prefix = secret[..12],
            Hash = Secrets.Hash(secret),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }
}
