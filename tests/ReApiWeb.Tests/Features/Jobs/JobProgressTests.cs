using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Components.Shared;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Components;
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
        await FinishedAsync(30, 40, 45);

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 25)));

        progress.WaitForAssertion(() => Assert.Equal("Usually done in about 40 s · running for 25 s", Text(progress)));
        Assert.Equal("25", progress.Find("[data-testid=job-elapsed]").GetAttribute("data-elapsed-seconds")); // the browser counts on from here
        Assert.Contains("width: 62.5%", progress.Find("[data-testid=job-progress-bar] div").GetAttribute("style"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_past_its_models_usual_time_says_so()
    {
        await FinishedAsync(30, 40, 45);

        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, secondsAgo: 75)));

        progress.WaitForAssertion(() => Assert.Equal("Taking longer than usual (about 40 s) · running for 1 min 15 s", Text(progress)));
        Assert.Empty(progress.FindAll("[data-testid=job-progress-bar]"));
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

    private async Task FinishedAsync(params double[] seconds)
    {
        var owner = await App.AdminIdAsync();
        await using var db = await App.DbAsync();
        foreach (var s in seconds)
        {
            var done = TestJobs.Make(owner, $"done in {s} s", modelId: "z-image");
            done.UpstreamSeconds = s;
            done.FinishedAt = _time.GetUtcNow().AddMinutes(-10);
            db.Jobs.Add(done);
        }

        await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
    }

    private JobView View(JobStatus status, int secondsAgo)
    {
        var summary = new JobSummary(Guid.NewGuid(), Guid.NewGuid(), "z-image", "a fox", status, _time.GetUtcNow().AddSeconds(-secondsAgo), null, null);
        return new JobView(summary, "admin", "{}", "task_1", null, null, summary.CreatedAt, null, 0, null, []);
    }
}
