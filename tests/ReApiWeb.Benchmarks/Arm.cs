using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.RateLimiting;
using ReApi.Sandbox;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// One side of the comparison: its own sandbox account, the same arrivals, and a way of following tasks. Submissions
/// are sent at their arrival times; a task counts as seen when the arm's polling learns it completed.
/// </summary>
public abstract class Arm(BenchmarkOptions options, string name)
{
    protected const string Key = "rk_live_benchmark";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();
    private readonly ConcurrentBag<double> _submissionWaits = [];
    private int _inFlight;
    private int _peakInFlight;
    private int _submitted;
    private int _next;

    protected BenchmarkOptions Options => options;

    /// <summary>One key per account (<see cref="BenchmarkOptions.Accounts"/>); the sandbox keeps each its own limit and tasks.</summary>
    protected IReadOnlyList<string> Keys { get; } = options.Accounts <= 1 ? [Key] : [.. Enumerable.Range(0, options.Accounts).Select(i => $"{Key}_{i}")];

    public async Task<ArmResult> RunAsync(IReadOnlyList<TimeSpan> arrivals)
    {
        await using var sandbox = await StartSandboxAsync(options, Keys);
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var following = StartFollowing(http, [.. Keys.Select(key => new FixedConnectionSource(new ReApiConnection(sandbox.BaseUri, key)))], stop.Token);

        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        using var hog = CpuHog.Start(options.CpuHogThreads);
        var submissions = new List<Task>();
        foreach (var arrival in arrivals)
        {
            var wait = arrival - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            submissions.Add(SubmitAsync());
        }

        // Every arm gets the same time: the arrival period plus the drain. What is not done by then is reported as such.
        var deadline = options.Duration + options.Drain;
        while ((Volatile.Read(ref _inFlight) > 0 || submissions.Any(s => !s.IsCompleted)) && clock.Elapsed < deadline)
        {
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await following;
        return Measure(sandbox.State, arrivals.Count, started);
    }

    /// <summary>A sandbox for the benchmark's load: the accounts of <paramref name="keys"/>, its limit, durations log-normal, every request recorded.</summary>
    internal static Task<SandboxServer> StartSandboxAsync(BenchmarkOptions options, IEnumerable<string> keys) => SandboxServer.StartAsync(o =>
    {
        o.ApiKeys.AddRange(keys);
        o.StartingBalance = long.MaxValue / 2;
        o.RequestsPerSecond = options.RequestsPerSecond;
        o.RecordRequests = true;
        o.Seed = options.Seed;
        o.DurationSampler = (_, body, random) =>
        {
            var kind = options.Kinds[JobKind.IndexOf(body)];
            return TimeSpan.FromSeconds(kind.MedianSeconds * Math.Exp(kind.Sigma * Gaussian(random)));
        };
    });

    /// <summary>Starts following tasks, one connection per account; the returned task ends when <paramref name="stop"/> fires.</summary>
    protected abstract Task StartFollowing(HttpClient http, IReadOnlyList<IReApiConnectionSource> connections, CancellationToken stop);

    /// <summary>Sends one submission on <paramref name="account"/> (the arm decides how it passes the budget) and returns its task id.</summary>
    protected abstract Task<SubmittedTask> SendAsync(JsonObject body, int account);

    /// <summary>Starts following a newly accepted task of <paramref name="account"/>, made with <paramref name="body"/>.</summary>
    protected abstract void Follow(SubmittedTask task, DateTimeOffset submittedAt, int account, JsonObject body);

    protected void Seen(string taskId)
    {
        if (_seen.TryAdd(taskId, DateTimeOffset.UtcNow))
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task SubmitAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var index = Interlocked.Increment(ref _next) - 1;
        var body = JobKind.Body(options.Kinds, index);
        var account = index % Keys.Count; // jobs spread over the accounts, as two groups on two accounts
        var task = await SendAsync(body, account);
        _submissionWaits.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Interlocked.Increment(ref _submitted);
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _peakInFlight, inFlight);
        Follow(task, DateTimeOffset.UtcNow, account, body);
    }

    private ArmResult Measure(SandboxState state, int arrivals, DateTimeOffset started)
    {
        var tasks = state.Tasks;
        var seen = tasks
            .Where(t => t.FinishedAt is not null && _seen.ContainsKey(t.Id))
            .Select(t => new TaskFigure((t.CreatedAt - started).TotalSeconds, Math.Max(0, (_seen[t.Id] - t.FinishedAt!.Value).TotalSeconds), t.Polls, JobKind.IndexOf(t.Request)))
            .ToList();
        var delays = seen.Select(t => t.DelaySeconds).ToList();
        var logs = Keys.Select(state.RequestLogOf).ToList();
        var stats = state.Statistics;
        return new ArmResult(
            name,
            _submitted,
            delays.Count,
            delays,
            stats.RateLimited,
            logs.Max(log => log.GroupBy(t => t.ToUnixTimeMilliseconds() / 1000).Select(g => g.Count()).DefaultIfEmpty().Max()),
            logs.Max(MaxInSlidingSecond),
            tasks.Count == 0 ? 0 : (double)stats.Polls / tasks.Count,
            [.. _submissionWaits],
            _peakInFlight,
            arrivals - _submitted)
        {
            Tasks = seen,
        };
    }

    internal static int MaxInSlidingSecond(IReadOnlyList<DateTimeOffset> log)
    {
        var max = 0;
        var start = 0;
        for (var end = 0; end < log.Count; end++)
        {
            while (log[end] - log[start] >= TimeSpan.FromSeconds(1))
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A gate that lets everything through at once: the baseline has no budget of its own.</summary>
    protected sealed class NoGate : IUpstreamRateGate
    {
        public ValueTask<int> AvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(int.MaxValue);

        public ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Pause(TimeSpan duration)
        {
        }
    }

    protected static ModelCatalog Catalog => ModelCatalog.Default;
}
