using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

public sealed class UnconfirmedJobsTests() : SandboxedAppTest("rk_live_unconfirmed_tests", TimeSpan.FromMilliseconds(300))
{
    private async Task<Guid> UnconfirmedJobAsync()
    {
        var job = new Job
        {
            OwnerId = await App.AdminIdAsync(),
            ModelId = "z-image",
            Prompt = "lost answer",
            RequestJson = """{"model":"z-image","prompt":"lost answer"}""",
            SubmissionKey = Guid.NewGuid(),
            Status = JobStatus.Unconfirmed,
            AccountId = await App.DefaultAccountIdAsync(),
            ErrorMessage = "reAPI did not answer in time.",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await App.DbAsync();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    [Fact]
    public async Task Attaching_the_task_reapi_created_lets_the_job_finish()
    {
        var jobId = await UnconfirmedJobAsync();
        // reAPI did receive the POST: the task exists upstream.
        Sandbox.State.Submit(ReApiEndpoint.Images, new JsonObject { ["model"] = "z-image", ["prompt"] = "lost answer" }, Key, out var upstream);
        var store = App.Services.GetRequiredService<UnconfirmedJobs>();
        Assert.Single(await store.ListAsync(CancellationToken.None));

        Assert.True(await store.AttachTaskAsync(jobId, upstream!.Id, new Actor(await App.AdminIdAsync(), "Admin"), CancellationToken.None));

        var job = await App.WaitForJobAsync(jobId, j => j.Status == JobStatus.Completed);
        Assert.Equal(upstream.Id, job.TaskId);
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Closing_as_never_received_settles_the_job_once()
    {
        var jobId = await UnconfirmedJobAsync();
        var store = App.Services.GetRequiredService<UnconfirmedJobs>();
        var admin = await App.AdminIdAsync();

        Assert.True(await store.CloseAsNotReceivedAsync(jobId, new Actor(admin, "Admin"), CancellationToken.None));
        Assert.False(await store.CloseAsNotReceivedAsync(jobId, new Actor(admin, "Admin"), CancellationToken.None));
        Assert.False(await store.AttachTaskAsync(jobId, "task_0123456789abcdef", new Actor(admin, "Admin"), CancellationToken.None));

        await using var db = await App.DbAsync();
        Assert.Equal(JobStatus.Rejected, db.Jobs.Single(j => j.Id == jobId).Status);
    }

    [Fact]
    public async Task A_malformed_task_id_is_refused_with_a_reason()
    {
        var jobId = await UnconfirmedJobAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            App.Services.GetRequiredService<UnconfirmedJobs>().AttachTaskAsync(jobId, "not a task id!", new Actor(Guid.NewGuid(), "Admin"), CancellationToken.None));
        Assert.StartsWith("That is not a reAPI task id", error.Message, StringComparison.Ordinal);
    }
}
