using System.Globalization;
using ReApiWeb.Benchmarks;

// Runs the app's poll scheduler and a naive baseline (every task polled every 1.5 s) side by side, each against its own
// sandbox account limited to 10 requests per second, under the same job arrivals, and prints what each achieved.
// With --admissions: submission throughput with quota checks on SQLite instead, or on PostgreSQL with --postgres CONNECTION (AdmissionBenchmark).
if (args.Contains("--admissions"))
{
    return await AdmissionBenchmark.RunAsync(args);
}

// With --telemetry --app DIR/ReApiWeb.dll: admission and page loads with telemetry off and on (TelemetryBenchmark).
if (args.Contains("--telemetry"))
{
    return await TelemetryBenchmark.RunAsync(args);
}

// With --backup: the backup of a 1 GB SQLite database under write load (BackupBenchmark).
if (args.Contains("--backup"))
{
    return await BackupBenchmark.RunAsync(args);
}

// With --balance: what one person's balance costs at 100, 10,000 and 1,000,000 ledger rows (BalanceBenchmark).
if (args.Contains("--balance"))
{
    return await BalanceBenchmark.RunAsync(args);
}

// With --gallery: the gallery's page and search queries at 1k/10k/100k jobs, and preview making (GalleryBenchmark).
if (args.Contains("--gallery"))
{
    return await GalleryBenchmark.RunAsync(args);
}

// With --circuits: managed heap per open gallery and bytes per page load, on the published app (CircuitBenchmark).
if (args.Contains("--circuits"))
{
    return await CircuitBenchmark.RunAsync(args);
}

// With --chat: time to first token added by the app, tokens/s with 50 streams, heap per open stream (ChatBenchmark).
if (args.Contains("--chat"))
{
    return await ChatBenchmark.RunAsync(args);
}

// With --live: Generate → Processing and completion lag with K open pages, on the published app (LiveBenchmark).
if (args.Contains("--live"))
{
    return await LiveBenchmark.RunAsync(args);
}

// With --bus: publish time of the event bus with 500 subscribers, one of them stalled (BusBenchmark).
if (args.Contains("--bus"))
{
    return await BusBenchmark.RunAsync();
}

// With --failover: time from killing the leading instance to the next poll by another (FailoverBenchmark).
if (args.Contains("--failover"))
{
    return await FailoverBenchmark.RunAsync(args);
}

// With --cluster-scheduler: the poll schedule's delays with jobs sent through 1 instance, then 3 (ClusterSchedulerBenchmark).
if (args.Contains("--cluster-scheduler"))
{
    return await ClusterSchedulerBenchmark.RunAsync(args);
}

// With --bound MEDIAN SIGMA POLLS: only the lower bound on the mean delay (PollBound) for those durations and polls per task.
if (args.Contains("--bound"))
{
    var at = Array.IndexOf(args, "--bound");
    var (median, sigma, polls) = (double.Parse(args[at + 1], CultureInfo.InvariantCulture), double.Parse(args[at + 2], CultureInfo.InvariantCulture), double.Parse(args[at + 3], CultureInfo.InvariantCulture));
    var polling = new ReApiWeb.Features.Jobs.PollingOptions();
    var result = PollBound.For(PollBound.LogNormal(median, sigma), polls, polling.MinInterval.TotalSeconds, polling.MaxGap.TotalSeconds);
    Console.WriteLine(FormattableString.Invariant($"Durations log-normal (median {median} s, sigma {sigma}), {polls} polls per task: mean delay at least {result.MeanDelaySeconds:0.000} s."));
    return 0;
}

// With --fairness: how long one member's job waits behind another member's burst (FairnessBenchmark).
if (args.Contains("--fairness"))
{
    return await FairnessBenchmark.RunAsync(args);
}

var options = BenchmarkOptions.Parse(args);
Console.WriteLine(options.Describe());

// --burst N: N jobs at once instead of the Poisson arrivals (a person sending a batch to an idle account).
IReadOnlyList<TimeSpan> arrivals = options.Burst > 0 ? [.. Enumerable.Repeat(TimeSpan.Zero, options.Burst)] : Arrivals.Poisson(options.ArrivalsPerSecond, options.Duration, options.Seed);
var arms = new List<Task<ArmResult>> { new SchedulerArm(options).RunAsync(arrivals) };
if (!options.SkipBaseline)
{
    arms.Add(new BaselineArm(options).RunAsync(arrivals));
}

var results = await Task.WhenAll(arms);

Report.Print(results, Console.Out);
PrintBound(options, results[0]);
return 0;

// The least mean delay any schedule could reach with the scheduler's polls per task (PollBound), and the scheduler's
// ratio to it: over every job, and for a Poisson load of 4 minutes or more also over its steady part (jobs sent after
// the first minute and at least two minutes before the arrivals end), which is what the bound describes: a load that
// does not change. The first minute starts from nothing (and from the catalog's guess); the last jobs finish while
// arrivals have stopped, so the budget polls them more often than a steady load can afford.
static void PrintBound(BenchmarkOptions options, ArmResult scheduler)
{
    var kinds = options.Kinds.Select(k => (1.0, PollBound.LogNormal(k.MedianSeconds, k.Sigma))).ToList();
    Line("all jobs", scheduler.Tasks);
    if (options.Burst == 0 && options.Duration >= TimeSpan.FromMinutes(4))
    {
        Line("steady part", [.. scheduler.Tasks.Where(t => t.SubmittedSeconds >= 60 && t.SubmittedSeconds <= options.Duration.TotalSeconds - 120)]);
    }

    void Line(string label, IReadOnlyList<TaskFigure> tasks)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        var polls = tasks.Average(t => t.Polls);
        var bound = PollBound.For(kinds, polls, options.Polling.MinInterval.TotalSeconds, options.Polling.MaxGap.TotalSeconds);
        var delays = tasks.Select(t => t.DelaySeconds).ToList();
        var (mean, p95) = (delays.Average(), Report.Percentile(delays, 0.95));
        Console.WriteLine(FormattableString.Invariant(
            $"{label}: {tasks.Count} jobs, mean delay {mean:0.00} s, p95 {p95:0.00} s, {polls:0.00} polls per task; lower bound at those polls {bound.MeanDelaySeconds:0.00} s; the scheduler's mean is {mean / bound.MeanDelaySeconds:0.00} x the bound."));
        Console.WriteLine(FormattableString.Invariant(
            $"  row: | {label} | {mean:0.00} | {p95:0.00} | {polls:0.00} | {scheduler.RateLimited} | {scheduler.MaxInSlidingSecond} | {bound.MeanDelaySeconds:0.00} | {mean / bound.MeanDelaySeconds:0.00} |"));
    }
}

namespace ReApiWeb.Benchmarks
{
    public sealed record BenchmarkOptions(TimeSpan Duration, double ArrivalsPerSecond, double MedianSeconds, double Sigma, int RequestsPerSecond, int Seed, TimeSpan Drain)
    {
        /// <summary>The scheduler's settings, as the app's defaults unless overridden (<c>--max-gap</c> seconds).</summary>
        public ReApiWeb.Features.Jobs.PollingOptions Polling { get; init; } = new();

        public bool SkipBaseline { get; init; }

        /// <summary>How many reAPI accounts (<c>--accounts</c>) the jobs are spread over, each with its own limit, gate and schedule.</summary>
        public int Accounts { get; init; } = 1;

        /// <summary>Jobs sent all at once instead of the Poisson arrivals (<c>--burst N</c>); 0: Poisson.</summary>
        public int Burst { get; init; }

        /// <summary>The scheduler's rate window (<c>--window-ms</c>), as <c>ReApi:RateWindowMilliseconds</c>.</summary>
        public int WindowMilliseconds { get; init; } = 1050;

        /// <summary>The kinds of job sent, in turn: one (Imagen 4, the median and sigma given) unless <c>--mix</c>.</summary>
        public IReadOnlyList<JobKind> Kinds { get; init; } = [];

        /// <summary>Threads kept busy during the run (<c>--cpu-hog N</c>).</summary>
        public int CpuHogThreads { get; init; }

        public static BenchmarkOptions Parse(string[] args)
        {
            double Arg(string name, double fallback)
            {
                var index = Array.IndexOf(args, "--" + name);
                return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
            }

            var (median, sigma) = (Arg("median", 60), Arg("sigma", 0.45));
            return new BenchmarkOptions(
                TimeSpan.FromMinutes(Arg("minutes", 10)),
                Arg("rate", 1.5),
                median,
                sigma,
                (int)Arg("limit", 10),
                (int)Arg("seed", 7),
                TimeSpan.FromMinutes(Arg("drain-minutes", 5)))
            {
                Polling = new ReApiWeb.Features.Jobs.PollingOptions { MaxGap = TimeSpan.FromSeconds(Arg("max-gap", new ReApiWeb.Features.Jobs.PollingOptions().MaxGap.TotalSeconds)) },
                SkipBaseline = args.Contains("--skip-baseline"),
                WindowMilliseconds = (int)Arg("window-ms", 1050),
                Accounts = (int)Arg("accounts", 1),
                Burst = (int)Arg("burst", 0),
                Kinds = args.Contains("--mix") ? JobKind.Mix(sigma) : [new JobKind(new System.Text.Json.Nodes.JsonObject { ["model"] = "imagen-4-0" }, median, sigma)],
                CpuHogThreads = (int)Arg("cpu-hog", 0),
            };
        }

        public string Describe() => (Burst > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Scheduler benchmark: {Burst} jobs at once, ")
                : string.Create(CultureInfo.InvariantCulture, $"Scheduler benchmark: {Duration.TotalMinutes:0.#} min of arrivals at {ArrivalsPerSecond}/s (Poisson, seed {Seed}), ")) +
            (Kinds.Count > 1
                ? string.Create(CultureInfo.InvariantCulture, $"{Kinds.Count} kinds of job in turn (medians {string.Join(", ", Kinds.Select(k => $"{k.MedianSeconds} s"))}, sigma {Sigma}), ")
                : string.Create(CultureInfo.InvariantCulture, $"durations log-normal (median {MedianSeconds} s, sigma {Sigma}), ")) +
            string.Create(CultureInfo.InvariantCulture, $"{Accounts} account(s) taking jobs in turn, limit {RequestsPerSecond} requests/s per account in 1-s windows; " +
            $"scheduler cap {Polling.MaxGap.TotalSeconds} s, window {WindowMilliseconds} ms") +
            (CpuHogThreads > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {CpuHogThreads} threads keep the processor busy.") : ".");
    }

    public static class Arrivals
    {
        /// <summary>Offsets from the start at which jobs arrive.</summary>
        public static IReadOnlyList<TimeSpan> Poisson(double perSecond, TimeSpan duration, int seed)
        {
            var random = new Random(seed);
            var list = new List<TimeSpan>();
            var at = 0.0;
            while (true)
            {
                at += -Math.Log(1 - random.NextDouble()) / perSecond;
                if (at >= duration.TotalSeconds)
                {
                    return list;
                }

                list.Add(TimeSpan.FromSeconds(at));
            }
        }
    }
}
