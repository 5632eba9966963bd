using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

public sealed class UnconfirmedJobsTests : IAsyncLifetime
{
    private const string Key = "rk_live_unconfirmed_tests";
    private SandboxServer _sandbox = default!;
    private TestApp _app = default!;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromMilliseconds(300);
        });
        _app = TestApp.Start(TestApp.NewDataDirectory(), TestApp.UpstreamSettings(_sandbox.BaseUri, Key));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private async Task<Guid> UnconfirmedJobAsync()
    {
        var job = new Job
        {
            OwnerId = await _app.AdminIdAsync(),
            ModelId = "z-image",
            Prompt = "lost answer",
            RequestJson = """{"model":"z-image","prompt":"lost answer"}""",
            SubmissionKey = Guid.NewGuid(),
            Status = JobStatus.Unconfirmed,
            ErrorMessage = "reAPI did not answer in time.",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await _app.DbAsync();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    [Fact]
    public async Task Attaching_the_task_reapi_created_lets_the_job_finish()
    {
        var jobId = await UnconfirmedJobAsync();
        // reAPI did receive the POST: the task exists upstream.
        _sandbox.State.Submit(ReApiEndpoint.Images, new JsonObject { ["model"] = "z-image", ["prompt"] = "lost answer" }, Key, out var upstream);
        var store = _app.Services.GetRequiredService<UnconfirmedJobs>();
        Assert.Single(await store.ListAsync(CancellationToken.None));

        Assert.True(await store.AttachTaskAsync(jobId, upstream!.Id, await _app.AdminIdAsync(), CancellationToken.None));

        var job = await _app.WaitForJobAsync(jobId, j => j.Status == JobStatus.Completed);
        Assert.Equal(upstream.Id, job.TaskId);
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Closing_as_never_received_settles_the_job_once()
    {
        var jobId = await UnconfirmedJobAsync();
        var store = _app.Services.GetRequiredService<UnconfirmedJobs>();
        var admin = await _app.AdminIdAsync();

        Assert.True(await store.CloseAsNotReceivedAsync(jobId, admin, CancellationToken.None));
        Assert.False(await store.CloseAsNotReceivedAsync(jobId, admin, CancellationToken.None));
        Assert.False(await store.AttachTaskAsync(jobId, "task_0123456789abcdef", admin, CancellationToken.None));

        await using var db = await _app.DbAsync();
        Assert.Equal(JobStatus.Rejected, db.Jobs.Single(j => j.Id == jobId).Status);
    }

    [Fact]
    public async Task A_malformed_task_id_is_refused_with_a_reason()
    {
        var jobId = await UnconfirmedJobAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _app.Services.GetRequiredService<UnconfirmedJobs>().AttachTaskAsync(jobId, "not a task id!", Guid.NewGuid(), CancellationToken.None));
        Assert.StartsWith("That is not a reAPI task id", error.Message, StringComparison.Ordinal);
    }
}
