using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Components.Shared;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Components;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>A running job says how long its model usually takes (from the team's finished jobs) and how long it has run.</summary>
public sealed class JobProgressTests : AppComponentTest
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton<TimeProvider>(_time);
        SignIn(await App.AdminIdAsync(), "admin");
    }

    [Fact]
    public async Task A_running_job_shows_its_models_usual_time_and_its_own()
    {
        var usual = await FinishedAsync("", 40);
        Assert.InRange(usual.TotalSeconds, 35, 40); // the scheduler's model: the catalog's guess (10 s) still counts for a little

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 25)));

        progress.WaitForAssertion(() => Assert.Equal($"Usually done in about {Elapsed.Describe(usual)} · running for 25 s", Text(progress)));
        Assert.Equal("25", progress.Find("[data-testid=job-elapsed]").GetAttribute("data-elapsed-seconds")); // the browser counts on from here
        Assert.Contains(FormattableString.Invariant($"width: {100 * 25 / usual.TotalSeconds:0.#}%"), progress.Find("[data-testid=job-progress-bar] div").GetAttribute("style"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_past_its_models_usual_time_says_so()
    {
        var usual = await FinishedAsync("", 40);

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 75)));

        progress.WaitForAssertion(() => Assert.Equal($"Taking longer than usual (about {Elapsed.Describe(usual)}) · running for 1 min 15 s", Text(progress)));
        Assert.Empty(progress.FindAll("[data-testid=job-progress-bar]"));
    }

    /// <summary>Four large images take longer than one small one: the estimate is for jobs with the same duration-driving parameters.</summary>
    [Fact]
    public async Task The_estimate_is_for_jobs_with_the_same_parameters_that_drive_the_duration()
    {
        await FinishedAsync("size=1:1", 20);
        var usual = await FinishedAsync("size=16:9", 120);

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 25, durationClass: "size=16:9")));

        Assert.InRange(usual.TotalSeconds, 100, 120);
        progress.WaitForAssertion(() => Assert.Equal($"Usually done in about {Elapsed.Describe(usual)} · running for 25 s", Text(progress)));
    }

    [Fact]
    public void With_no_finished_job_of_its_model_the_catalogs_typical_time_is_given()
    {
        var typical = App.Services.GetRequiredService<ReApi.Client.Catalog.ModelCatalog>().Find("z-image")!.TypicalDuration;

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 5)));

        progress.WaitForAssertion(() => Assert.Equal($"Usually done in about {Elapsed.Describe(typical)} · running for 5 s", Text(progress)));
    }

    private static string Text(IRenderedComponent<JobProgress> progress) =>
        System.Text.RegularExpressions.Regex.Replace(progress.Find("[data-testid=job-progress]").TextContent, @"\s+", " ").Trim();

    /// <summary>
    /// 40 finished z-image jobs of <paramref name="durationClass"/>, each seen running 2 s before <paramref name="seconds"/>
    /// and done 2 s after; returns what the scheduler's duration model makes of all the model's finished jobs for that class.
    /// </summary>
    private async Task<TimeSpan> FinishedAsync(string durationClass, double seconds)
    {
        var owner = await App.AdminIdAsync();
        await using var db = await App.DbAsync();
        for (var i = 0; i < 40; i++)
        {
            var done = TestJobs.Make(owner, $"done in {seconds} s", modelId: "z-image");
            (done.UpstreamSeconds, done.UpstreamSecondsAtLeast, done.DurationClass) = (seconds, seconds - 2, durationClass);
            done.FinishedAt = _time.GetUtcNow().AddMinutes(-10);
            db.Jobs.Add(done);
        }

        await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        var model = new DurationModel(App.Services.GetRequiredService<ReApi.Client.Catalog.ModelCatalog>().Find("z-image")!.TypicalDuration);
        foreach (var job in db.Jobs.Where(j => j.ModelId == "z-image" && j.UpstreamSeconds != null).AsEnumerable())
        {
            model.Observe(TimeSpan.FromSeconds(job.UpstreamSecondsAtLeast!.Value), TimeSpan.FromSeconds((2 * job.UpstreamSeconds!.Value) - job.UpstreamSecondsAtLeast.Value), job.DurationClass);
        }

        return TimeSpan.FromSeconds(Math.Round(model.For(durationClass).Median.TotalSeconds));
    }

    private JobView View(JobStatus status, int secondsAgo, string durationClass = "")
    {
        var summary = new JobSummary(Guid.NewGuid(), Guid.NewGuid(), "z-image", "a fox", status, _time.GetUtcNow().AddSeconds(-secondsAgo), null, null) { DurationClass = durationClass };
        return new JobView(summary, "admin", "{}", "task_1", null, null, summary.CreatedAt, null, 0, null, []);
    }
}
