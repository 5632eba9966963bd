using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The app against the sandbox as a separate HTTP server on loopback: the real client, poller and database.</summary>
public sealed class JobLifecycleTests : IAsyncLifetime
{
    private const string SharedKey = "rk_live_team_shared_key";
    private readonly string _data = TestApp.NewDataDirectory();
    private SandboxServer _sandbox = default!;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxServer.StartAsync(o =>
    {
        o.ApiKeys.Add(SharedKey);
        o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
        o.ModelDurations["flux-2"] = TimeSpan.FromSeconds(6); // the restart test's task outlives the first app instance
        o.DurationJitter = 0;
    });

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    private TestApp StartApp(string? key = SharedKey, string? baseUrl = null) =>
        TestApp.Start(_data, TestApp.UpstreamSettings(baseUrl is null ? _sandbox.BaseUri : new Uri(baseUrl), key));

    private static JobRequest Request(string prompt, string model = "gpt-image-2") =>
        new(model, new JsonObject { ["prompt"] = prompt, ["size"] = "16:9" }, Guid.NewGuid());

    [Fact]
    public async Task A_job_completes_and_its_image_is_archived_and_served_to_its_owner()
    {
        await using var app = StartApp();
        var owner = await app.AdminIdAsync();

        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(owner, Request("a lighthouse at dawn"), CancellationToken.None);

        Assert.Equal(JobStatus.Processing, result.Status);
        var job = await app.WaitForJobAsync(result.JobId!.Value, j => j.Outputs.Count == 1 && j.Outputs[0].StoragePath != null);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("task_", job.TaskId, StringComparison.Ordinal);
        Assert.Contains("image_urls", job.OutputJson, StringComparison.Ordinal);

        using var client = await app.SignedInClientAsync();
        using var image = await client.GetAsync($"/outputs/{job.Outputs[0].Id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        using var anonymous = app.AnonymousClient();
        using var refused = await anonymous.GetAsync($"/outputs/{job.Outputs[0].Id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_failed_task_shows_reapis_code_and_message()
    {
        await using var app = StartApp();
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("forbidden [fail]"), CancellationToken.None);

        var job = await app.WaitForJobAsync(result.JobId!.Value, j => j.Status.IsTerminal());

        Assert.Equal((JobStatus.Failed, 80006, "Request violates content policy"), (job.Status, job.ErrorCode, job.ErrorMessage));
    }

    [Fact]
    public async Task Invalid_input_is_refused_before_anything_is_stored_or_sent()
    {
        await using var app = StartApp();
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var owner = await app.AdminIdAsync();

        var empty = await submitter.SubmitAsync(owner, Request(""), CancellationToken.None);
        var tooLong = await submitter.SubmitAsync(owner, Request(new string('x', 4001)), CancellationToken.None);
        var badSize = await submitter.SubmitAsync(owner, new JobRequest("imagen-4-0", new JsonObject { ["prompt"] = "x", ["size"] = "2:1" }, Guid.NewGuid()), CancellationToken.None);

        Assert.Equal("Prompt is required.", Assert.Single(empty.Problems).Message);
        Assert.Contains("at most 4000", Assert.Single(tooLong.Problems).Message, StringComparison.Ordinal);
        Assert.Equal("size", Assert.Single(badSize.Problems).Field);
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Jobs.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, _sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task A_wrong_shared_key_rejects_the_job_with_a_clear_message_and_keeps_it()
    {
        await using var app = StartApp(key: "rk_live_not_the_right_key");
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("a fox"), CancellationToken.None);

        Assert.Equal(JobStatus.Rejected, result.Status);
        Assert.Contains("refused the team's key", result.Error, StringComparison.Ordinal);
        await using var db = await app.DbAsync();
        var job = await db.Jobs.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((JobStatus.Rejected, 10003), (job.Status, job.ErrorCode));
    }

    [Fact]
    public async Task An_unreachable_upstream_rejects_the_job_with_a_clear_message()
    {
        await using var app = StartApp(baseUrl: "http://127.0.0.1:9/api/v1");
        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await app.AdminIdAsync(), Request("a fox"), CancellationToken.None);

        Assert.Equal(JobStatus.Rejected, result.Status);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_submission_key_never_makes_a_second_job()
    {
        await using var app = StartApp();
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var owner = await app.AdminIdAsync();
        var request = Request("twice");

        var results = await Task.WhenAll(submitter.SubmitAsync(owner, request, CancellationToken.None), submitter.SubmitAsync(owner, request, CancellationToken.None));

        Assert.Equal(results[0].JobId, results[1].JobId);
        Assert.Equal(1, _sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task Tasks_in_flight_when_the_app_stops_are_followed_after_a_restart()
    {
        Guid jobId;
        await using (var first = StartApp())
        {
            // flux-2 runs 6 s in this sandbox, so the task is still running upstream when this instance stops;
            // the sandbox, a separate server, outlives both instances.
            var request = new JobRequest("flux-2", new JsonObject { ["prompt"] = "slow fox" }, Guid.NewGuid());
            var result = await first.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await first.AdminIdAsync(), request, CancellationToken.None);
            jobId = result.JobId!.Value;
            Assert.Equal(JobStatus.Processing, result.Status);
        }

        await using (var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "app.db")}").Options))
        {
            Assert.Equal(JobStatus.Processing, (await db.Jobs.SingleAsync(j => j.Id == jobId, TestContext.Current.CancellationToken)).Status);
        }

        await using var second = StartApp();
        var job = await second.WaitForJobAsync(jobId, j => j.Status == JobStatus.Completed && j.Outputs.All(o => o.StoragePath != null) && j.Outputs.Count > 0);

        Assert.Equal(1, _sandbox.State.Statistics.Submissions);
        Assert.NotNull(job.FinishedAt);
    }
}
