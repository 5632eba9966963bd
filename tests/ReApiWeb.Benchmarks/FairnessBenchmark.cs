using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.RateLimiting;
using ReApi.Sandbox;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// One member queues a burst of POSTs (150 by default) at an account limited to 10 requests a second; another member
/// then sends one job. Prints how long that single job waited for its POST, with the rate gate alone (first come, in
/// no order: as before) and with <see cref="FairSubmissionQueue"/> taking turns per person in front of it (as now).
/// </summary>
public static class FairnessBenchmark
{
    private const string Key = "rk_live_fairness_benchmark";

    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(string name, int fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var burst = Arg("burst", 150);
        var rounds = Arg("rounds", 5);
        Console.WriteLine($"Fairness benchmark: {burst} queued POSTs by one member, then 1 by another; 10 requests/s per account; {rounds} rounds per arm.");
        foreach (var turns in new[] { false, true })
        {
            var waits = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                waits.Add(await RoundAsync(burst, turns));
            }

            waits.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(turns ? "turns per person (now)" : "rate gate alone (before)"),-26} single job's wait: median {waits[waits.Count / 2]:0.00} s, max {waits[^1]:0.00} s, min {waits[0]:0.00} s"));
        }

        return 0;
    }

    private static async Task<double> RoundAsync(int burst, bool turns)
    {
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.StartingBalance = long.MaxValue / 2;
            o.RequestsPerSecond = 10;
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var gate = new SlidingWindowRateGate(10, TimeSpan.FromMilliseconds(1050), TimeProvider.System);
        var client = new ReApiClient(http, new FixedConnectionSource(new ReApiConnection(sandbox.BaseUri, Key)), gate, TimeProvider.System);
        var queue = new FairSubmissionQueue();
        var busy = Guid.NewGuid();

        async Task SendAsync(Guid person)
        {
            var body = new JsonObject { ["model"] = "z-image", ["prompt"] = "fairness" };
            if (!turns)
            {
                await client.SubmitAsync(ReApiEndpoint.Images, body, CancellationToken.None);
                return;
            }

            using var turn = await queue.EnterAsync(person, CancellationToken.None);
            await client.SubmitAsync(ReApiEndpoint.Images, body, ct =>
            {
                turn.Dispose();
                return Task.CompletedTask;
            }, CancellationToken.None);
        }

        var queued = Enumerable.Range(0, burst).Select(_ => SendAsync(busy)).ToList();
        while (sandbox.State.Statistics.Submissions < 10)
        {
            await Task.Delay(20);
        }

        var clock = Stopwatch.StartNew();
        await SendAsync(Guid.NewGuid());
        var waited = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(queued);
        return waited;
    }
}
