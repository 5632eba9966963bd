using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Benchmarks;

/// <summary>
/// Submission throughput with quota checks on SQLite, or on PostgreSQL with <c>--postgres CONNECTION</c> (a new
/// database is made on that server for the run and dropped after it): many concurrent submitters admitted through the
/// real <see cref="JobAdmission"/> (allowances per person, group and team checked, job and hold written in one
/// transaction) over a ledger with history. Prints admissions per second and latency percentiles, and checks no
/// allowance was passed.
/// </summary>
/// <summary>One admission run's figures: admissions a second, latency percentiles in ms, allowances passed.</summary>
internal sealed record AdmissionFigures(double PerSecond, double P50, double P95, double P99, int Overspent);

public static class AdmissionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (workers, total, history, server) = Settings(args);
        var figures = await MeasureAsync(workers, total, history, server, telemetry: true, say: true);
        return figures.Overspent == 0 ? 0 : 1;
    }

    /// <summary>What <c>--workers</c>, <c>--count</c>, <c>--history</c> and <c>--postgres</c> say (64, 3,000, 50,000, SQLite).</summary>
    internal static (int Workers, int Total, int History, string? Server) Settings(string[] args)
    {
        int Arg(string name, int fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var server = Array.IndexOf(args, "--postgres") is var p and >= 0 && p + 1 < args.Length ? args[p + 1] : null;
        return (Arg("workers", 64), Arg("count", 3000), Arg("history", 50_000), server);
    }

    /// <summary>
    /// One run on a database of its own: <paramref name="workers"/> people admitting <paramref name="total"/> jobs at
    /// once. With <paramref name="telemetry"/>, the app's metrics and traces are collected as in the app and exported by
    /// OTLP (to a port nobody listens on: the collection is what costs, export is in the background).
    /// </summary>
    internal static async Task<AdmissionFigures> MeasureAsync(int workers, int total, int history, string? server, bool telemetry, bool say)
    {
        var directory = Path.Combine(Path.GetTempPath(), "reapiweb-admission-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var database = server is null ? null : await PostgresDatabase.CreateAsync(server);

        await using var provider = Services(directory, database?.ConnectionString, telemetry);
        await provider.MigrateDatabaseAsync();

        var people = await SeedAsync(provider, workers, history);
        await provider.GetRequiredService<CreditTotals>().RebuildAsync(CancellationToken.None);
        var admission = provider.GetRequiredService<JobAdmission>();
        var model = ModelCatalog.Default.Find("gpt-image-2")!;
        var body = new JsonObject { ["model"] = model.Id, ["prompt"] = "benchmark" };
        var quote = PriceList.Quote(model, body);

        if (say)
        {
            Console.WriteLine($"Admission benchmark: {workers} concurrent submitters, {total} submissions, {history} ledger entries of history, " +
                              $"3 allowances checked per submission (person daily, group weekly, team monthly), {quote.Credits} credits each; {(database is null ? "SQLite WAL" : "PostgreSQL")}; telemetry {(telemetry ? "on" : "off")}.");
        }

        var latencies = new double[total];
        var admitted = 0;
        var refused = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                var (_, result, isNew) = await admission.AdmitAsync(people[w], new JobDraft(model, body, quote, Guid.NewGuid()), CancellationToken.None);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                _ = result.Admitted && isNew ? Interlocked.Increment(ref admitted) : Interlocked.Increment(ref refused);
            }
        })));
        clock.Stop();

        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(total - 1, (int)Math.Ceiling(p * total) - 1)];
        var overspent = await OverspentAsync(provider, people);
        var figures = new AdmissionFigures(total / clock.Elapsed.TotalSeconds, Percentile(0.5), Percentile(0.95), Percentile(0.99), overspent);
        if (say)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"admitted {admitted}, refused at a limit {refused}, in {clock.Elapsed.TotalSeconds:0.00} s: {figures.PerSecond:0} admissions/s; " +
                $"latency p50 {figures.P50:0.0} ms, p95 {figures.P95:0.0} ms, p99 {figures.P99:0.0} ms, max {latencies[^1]:0.0} ms"));
            Console.WriteLine(overspent == 0 ? "every allowance held: no person, group or team past its limit" : $"OVERSPENT: {overspent} allowances past their limit");
        }

        Directory.Delete(directory, recursive: true);
        return figures;
    }

    /// <summary>
    /// The app's credit services on a SQLite file in <paramref name="directory"/> (or on PostgreSQL), as the app wires
    /// them; jobs go to the sandbox (no account), so admission's routing needs no upstream.
    /// </summary>
    internal static ServiceProvider Services(string directory, string? postgres = null, bool telemetry = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<ReApiWeb.Features.Telemetry.UpstreamActivity>();
        services.AddSingleton<ReApiWeb.Features.Telemetry.ActiveJobCounts>();
        services.AddSingleton<ReApiWeb.Features.Telemetry.AppMetrics>();
        if (telemetry)
        {
            ReApiWeb.Features.Telemetry.TelemetryExtensions.AddAppTelemetry(services, prometheus: false)
                .UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf, new Uri("http://127.0.0.1:9/"));
        }

        services.AddDataProtection();
        if (postgres is null)
        {
            services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(directory, "bench.db")};Default Timeout=30"));
        }
        else
        {
            services.AddDbContextFactory<PostgresAppDbContext>(o => o.UseNpgsql(postgres));
            services.AddSingleton<IDbContextFactory<AppDbContext>, PostgresContextFactory>();
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReApiWeb.Features.Events.IEventBus, ReApiWeb.Features.Events.InProcessEventBus>();
        services.AddSingleton(Options.Create(new CreditsOptions()));
        services.AddSingleton(Options.Create(new ReApiWeb.Features.Upstream.SandboxModeOptions { Enabled = true }));
        services.AddSingleton<WriteGate>();
        services.AddSingleton<ReApiWeb.Features.Admin.AuditLog>();
        services.AddSingleton<ReApiWeb.Features.Upstream.UpstreamAccounts>();
        services.AddSingleton<ReApiWeb.Features.Upstream.UpstreamMode>();
        services.AddSingleton<ReApiWeb.Features.Upstream.AccountRouter>();
        services.AddSingleton<CreditTotals>();
        services.AddSingleton<Allowances>();
        services.AddSingleton<CreditBalances>();
        services.AddSingleton<CreditLedger>();
        services.AddSingleton<ReApiWeb.Features.Cluster.ILeadership, ReApiWeb.Features.Cluster.SoleLeadership>();
        services.AddSingleton(Options.Create(new ReApiWeb.Features.Cluster.ClusterOptions()));
        services.AddSingleton<ReApiWeb.Features.Cluster.InstanceRegistry>();
        services.AddSingleton<JobAdmission>();
        var provider = services.BuildServiceProvider();

        // Without a host nothing starts OpenTelemetry's providers: build them, as the app's host does at start.
        _ = provider.GetService<OpenTelemetry.Metrics.MeterProvider>();
        _ = provider.GetService<OpenTelemetry.Trace.TracerProvider>();
        return provider;
    }

    /// <summary>People in 8 groups, with daily, weekly and team allowances that some submitters reach, and a ledger history.</summary>
    private static async Task<Guid[]> SeedAsync(IServiceProvider provider, int count, int history)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var people = Enumerable.Range(0, count).Select(i => new User { Email = $"bench{i}@test.local", DisplayName = $"bench {i}", CreatedAt = now }).ToArray();
        db.Users.AddRange(people);
        var groups = Enumerable.Range(0, 8).Select(i => new Group { Name = $"group {i}", CreatedAt = now }).ToArray();
        db.Groups.AddRange(groups);
        for (var i = 0; i < people.Length; i++)
        {
            groups[i % groups.Length].Members.Add(new GroupMember { UserId = people[i].Id });
            db.Quotas.Add(new Quota { Scope = QuotaScope.User, SubjectId = people[i].Id, Period = QuotaPeriod.Day, Credits = 600 + (i % 4) * 300, UpdatedAt = now });
        }

        db.Quotas.AddRange(groups.Select(g => new Quota { Scope = QuotaScope.Group, SubjectId = g.Id, Period = QuotaPeriod.Week, Credits = 15_000, UpdatedAt = now }));
        db.Quotas.Add(new Quota { Scope = QuotaScope.Team, Period = QuotaPeriod.Month, Credits = 10_000_000, UpdatedAt = now });
        await db.SaveChangesAsync();

        // The history: the same 2,000 entries in the last 30 days whatever its size (so every run starts from the same
        // allowance states), the rest older than any current period. Holds and charges in pairs, written in bulk.
        await LedgerHistory.WriteAsync(db, History(people, history, now));
        return [.. people.Select(p => p.Id)];
    }

    private static IEnumerable<(Guid Person, LedgerEntryKind Kind, DateTimeOffset At)> History(User[] people, int history, DateTimeOffset now)
    {
        const int recent = 2_000;
        var random = new Random(7);
        for (var i = 0; i < history; i += 2)
        {
            var at = i < recent ? now.AddDays(-random.NextDouble() * 30) : now.AddDays(-32 - random.NextDouble() * 365);
            var person = people[random.Next(people.Length)].Id;
            yield return (person, LedgerEntryKind.Hold, at);
            yield return (person, LedgerEntryKind.Charge, at);
        }
    }

    private static async Task<int> OverspentAsync(IServiceProvider provider, Guid[] people)
    {
        var allowances = provider.GetRequiredService<Allowances>();
        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var seen = new HashSet<Guid>();
        var overspent = 0;
        foreach (var person in people)
        {
            foreach (var allowance in await allowances.ForUserAsync(db, person, DateTimeOffset.UtcNow, CancellationToken.None))
            {
                if (seen.Add(allowance.QuotaId) && allowance.Used > allowance.Limit)
                {
                    overspent++;
                }
            }
        }

        return overspent;
    }
}
