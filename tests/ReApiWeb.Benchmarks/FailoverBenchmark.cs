using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// How long polling stops when the leader dies: three published app instances on one PostgreSQL database and one
/// Redis follow tasks in flight on the sandbox; the leader is killed (SIGKILL) and the benchmark measures the time to
/// the next "now leads" line of another instance and to the next poll reaching the sandbox, then restarts the killed
/// instance and does it again.
/// <c>--failover --app DIR/ReApiWeb.dll --postgres "Host=…;Username=…;Database=postgres" --redis HOST:PORT [--kills 10]</c>.
/// </summary>
internal static class FailoverBenchmark
{
    private const string Key = "rk_live_failover_bench";

    public static async Task<int> RunAsync(string[] args)
    {
        if (CircuitBenchmark.PublishedApp(args) is not { } dll || BenchmarkArgs.Value(args, "--postgres") is not { } server || BenchmarkArgs.Value(args, "--redis") is not { } redis)
        {
            Console.Error.WriteLine("Give --app DIR/ReApiWeb.dll, --postgres CONNECTION (a server the run may make a database on) and --redis HOST:PORT.");
            return 2;
        }

        var kills = int.Parse(BenchmarkArgs.Value(args, "--kills") ?? "10", CultureInfo.InvariantCulture);
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.RecordRequests = true;
            o.Durations[OutputKind.Image] = TimeSpan.FromHours(1); // in flight for the whole run
        });
        await using var database = await PostgresDatabase.CreateAsync(server);
        using var cluster = new AppCluster(dll, 3, database.ConnectionString, redis, sandbox.BaseUri, Key);
        var instances = cluster.Instances;
        await cluster.StartAsync();
        var tasks = await FollowTasksAsync(sandbox, database.ConnectionString, 6);
        Console.WriteLine($"Failover benchmark: 3 published instances on PostgreSQL and Redis, {tasks} tasks in flight on the sandbox (polled about every 1.5 s each), the leader killed {kills} times.");
        await UntilAsync(() => sandbox.State.RequestLogOf(Key).Count > 20, TimeSpan.FromSeconds(60));

        var takeovers = new List<double>();
        var nextPolls = new List<double>();
        for (var k = 0; k < kills; k++)
        {
            var leader = await LeaderAsync(instances);
            var killedAt = DateTimeOffset.UtcNow;
            leader.Kill();

            // A poll the old leader sent just before it died may still be counted on arrival: a margin of 50 ms.
            await UntilAsync(() => instances.Any(i => i != leader && i.LeadsSince > killedAt), TimeSpan.FromSeconds(60));
            var newLeader = instances.Single(i => i != leader && i.LeadsSince > killedAt);
            await UntilAsync(() => sandbox.State.RequestLogOf(Key).Any(t => t > killedAt.AddMilliseconds(50)), TimeSpan.FromSeconds(60));
            var firstPoll = sandbox.State.RequestLogOf(Key).First(t => t > killedAt.AddMilliseconds(50));
            takeovers.Add((newLeader.LeadsSince!.Value - killedAt).TotalMilliseconds);
            nextPolls.Add((firstPoll - killedAt).TotalMilliseconds);
            Console.WriteLine($"  kill {k + 1}: lease taken after {takeovers[^1]:0} ms, next poll after {nextPolls[^1]:0} ms");

            leader.Start();
            await CircuitBenchmark.WaitForHealthAsync(leader.BaseUrl);
            await Task.Delay(TimeSpan.FromSeconds(2)); // let the restarted instance settle as a follower
        }

        Console.WriteLine($"Lease taken by another instance after the kill: p50 {Percentile(takeovers, 0.5):0} ms, max {takeovers.Max():0} ms");
        Console.WriteLine($"Next poll reaching reAPI after the kill:       p50 {Percentile(nextPolls, 0.5):0} ms, max {nextPolls.Max():0} ms");
        return 0;
    }

    /// <summary>Tasks made on the sandbox directly and recorded as jobs in flight, so the leader polls them (none finishes).</summary>
    private static async Task<int> FollowTasksAsync(SandboxServer sandbox, string connectionString, int count)
    {
        using var http = new HttpClient { BaseAddress = sandbox.BaseUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        await using var db = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connectionString).Options);
        var owner = await db.Users.Select(u => u.Id).FirstAsync();
        var account = await db.UpstreamAccounts.Select(a => a.Id).FirstAsync();
        for (var i = 0; i < count; i++)
        {
            var prompt = $"failover benchmark {i}";
            using var response = await http.PostAsJsonAsync("images/generations", new { model = "z-image", prompt });
            var task = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            db.Jobs.Add(new Job
            {
                OwnerId = owner,
                ModelId = "z-image",
                Prompt = prompt,
                RequestJson = $$"""{"model":"z-image","prompt":"{{prompt}}"}""",
                SubmissionKey = Guid.NewGuid(),
                AccountId = account,
                Status = JobStatus.Processing,
                TaskId = task!["id"]!.GetValue<string>(),
                CreatedAt = DateTimeOffset.UtcNow,
                SubmittedAt = DateTimeOffset.UtcNow,
            });
        }

        await db.SaveChangesAsync();
        return count;
    }

    private static async Task<AppCluster.Instance> LeaderAsync(IReadOnlyList<AppCluster.Instance> instances)
    {
        await UntilAsync(() => instances.Count(i => i.Running && i.LeadsSince is not null && i.LeadsSince > i.StartedAt) >= 1, TimeSpan.FromSeconds(60));
        return instances.Where(i => i.Running && i.LeadsSince > i.StartedAt).OrderByDescending(i => i.LeadsSince).First();
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The cluster did not get there in time.");
            }

            await Task.Delay(5);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
