using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Components;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>A running job says how long its model usually takes (from the team's finished jobs) and counts its own time.</summary>
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
    public async Task A_running_job_shows_its_models_usual_time_and_its_own_time_counted_live()
    {
        var owner = await App.AdminIdAsync();
        await using (var db = await App.DbAsync())
        {
            foreach (var seconds in new[] { 30.0, 40, 45 })
            {
                var done = TestJobs.Make(owner, $"done in {seconds} s", modelId: "z-image");
                done.UpstreamSeconds = seconds;
                done.FinishedAt = _time.GetUtcNow().AddMinutes(-10);
                db.Jobs.Add(done);
            }

            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var running = View(JobStatus.Processing, submittedSecondsAgo: 25);
        var progress = Render<JobProgress>(p => p.Add(c => c.Job, running));
        progress.WaitForAssertion(() => Assert.Equal("Usually done in about 40 s · 25 s so far", progress.Find("[data-testid=job-progress]").TextContent));

        _time.Advance(TimeSpan.FromSeconds(30));
        progress.WaitForAssertion(() => Assert.Equal("Taking longer than usual (about 40 s) · 55 s so far", progress.Find("[data-testid=job-progress]").TextContent));
    }

    [Fact]
    public void With_no_finished_job_of_its_model_the_catalogs_typical_time_is_given()
    {
        var progress = Render<JobProgress>(p => p.Add(c => c.Job, View(JobStatus.Processing, submittedSecondsAgo: 5)));
        var typical = App.Services.GetRequiredService<ReApi.Client.Catalog.ModelCatalog>().Find("z-image")!.TypicalDuration;
        progress.WaitForAssertion(() => Assert.Equal($"Usually done in about {JobProgress.Describe(typical)} · 5 s so far", progress.Find("[data-testid=job-progress]").TextContent));
    }

    [Theory]
    [InlineData(8, "8 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(120, "2 min")]
    [InlineData(3780, "1 h 3 min")]
    public void Times_read_as_words(int seconds, string expected) => Assert.Equal(expected, JobProgress.Describe(TimeSpan.FromSeconds(seconds)));

    private JobView View(JobStatus status, int submittedSecondsAgo)
    {
        var submitted = _time.GetUtcNow().AddSeconds(-submittedSecondsAgo);
        var summary = new JobSummary(Guid.NewGuid(), Guid.NewGuid(), "z-image", "a fox", status, submitted.AddSeconds(-1), null, null);
        return new JobView(summary, "admin", "{}", "task_1", null, null, submitted, null, 0, null, []);
    }
}
