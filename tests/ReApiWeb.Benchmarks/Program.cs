using System.Globalization;
using ReApiWeb.Benchmarks;

// Runs the app's poll scheduler and a naive baseline (every task polled every 1.5 s) side by side, each against its own
// sandbox account limited to 10 requests per second, under the same job arrivals, and prints what each achieved.
// With --admissions: submission throughput with quota checks on SQLite instead, or on PostgreSQL with --postgres CONNECTION (AdmissionBenchmark).
if (args.Contains("--admissions"))
{
    return await AdmissionBenchmark.RunAsync(args);
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

// The least mean delay any schedule could reach with the scheduler's polls per task (PollBound), and the scheduler's ratio to it.
static void PrintBound(BenchmarkOptions options, ArmResult scheduler)
{
    var bound = PollBound.For(
        PollBound.LogNormal(options.MedianSeconds, options.Sigma), scheduler.PollsPerTask,
        options.Polling.MinInterval.TotalSeconds, options.Polling.MaxGap.TotalSeconds);
    var mean = scheduler.DelaysSeconds.Count == 0 ? 0 : scheduler.DelaysSeconds.Average();
    Console.WriteLine(FormattableString.Invariant(
        $"Lower bound at {bound.PollsPerTask:0.00} polls per task: mean delay {bound.MeanDelaySeconds:0.00} s; the scheduler's mean is {mean / bound.MeanDelaySeconds:0.00} x the bound."));
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

        public static BenchmarkOptions Parse(string[] args)
        {
            double Arg(string name, double fallback)
            {
                var index = Array.IndexOf(args, "--" + name);
                return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
            }

            return new BenchmarkOptions(
                TimeSpan.FromMinutes(Arg("minutes", 10)),
                Arg("rate", 1.5),
                Arg("median", 60),
                Arg("sigma", 0.45),
                (int)Arg("limit", 10),
                (int)Arg("seed", 7),
                TimeSpan.FromMinutes(Arg("drain-minutes", 5)))
            {
                Polling = new ReApiWeb.Features.Jobs.PollingOptions { MaxGap = TimeSpan.FromSeconds(Arg("max-gap", new ReApiWeb.Features.Jobs.PollingOptions().MaxGap.TotalSeconds)) },
                SkipBaseline = args.Contains("--skip-baseline"),
                WindowMilliseconds = (int)Arg("window-ms", 1050),
                Accounts = (int)Arg("accounts", 1),
                Burst = (int)Arg("burst", 0),
            };
        }

        public string Describe() => (Burst > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Scheduler benchmark: {Burst} jobs at once, ")
                : string.Create(CultureInfo.InvariantCulture, $"Scheduler benchmark: {Duration.TotalMinutes:0.#} min of arrivals at {ArrivalsPerSecond}/s (Poisson, seed {Seed}), ")) +
            string.Create(CultureInfo.InvariantCulture, $"durations log-normal (median {MedianSeconds} s, sigma {Sigma}), {Accounts} account(s) taking jobs in turn, limit {RequestsPerSecond} requests/s per account in 1-s windows; " +
            $"scheduler cap {Polling.MaxGap.TotalSeconds} s, window {WindowMilliseconds} ms.");
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
