using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// Sharing inside the team: a shared job is seen by teammates read-only (without its cost), with its files; a private
/// one is not; only its owner changes that; scripts still see only their own tasks.
/// </summary>
public sealed class SharingTests() : SandboxedAppTest("rk_live_sharing_tests", TimeSpan.FromMilliseconds(200))
{
    private async Task<(Guid Author, Guid Teammate, Guid JobId)> SharedJobAsync()
    {
        var author = await App.AddLocalUserAsync("author@test.local", "author-password-1");
        var teammate = await App.AddLocalUserAsync("teammate@test.local", "teammate-password-1");
        var result = await App.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
            author, new JobRequest("z-image", new JsonObject { ["prompt"] = "a fox for the whole team" }, Guid.NewGuid()), CancellationToken.None);
        await App.WaitForJobAsync(result.JobId!.Value, j => j.Status == JobStatus.Completed && j.Outputs.All(o => o.StoragePath != null));
        return (author, teammate, result.JobId.Value);
    }

    [Fact]
    public async Task A_teammate_opens_a_shared_job_and_its_files_but_not_its_cost()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, _, jobId) = await SharedJobAsync();
        using var teammate = await App.SignedInClientAsync("teammate@test.local", "teammate-password-1");
        await using var db = await App.DbAsync();
        var output = await db.JobOutputs.FirstAsync(o => o.JobId == jobId, ct);

        var page = await teammate.GetStringAsync($"/jobs/{jobId}", ct);
        var team = await teammate.GetStringAsync("/team", ct);

        Assert.Contains("a fox for the whole team", page, StringComparison.Ordinal);
        Assert.Contains("Shared by author", page, StringComparison.Ordinal);
        Assert.DoesNotContain("job-cost", page, StringComparison.Ordinal);
        Assert.Contains("a fox for the whole team", team, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await teammate.GetAsync($"/outputs/{output.Id}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teammate.GetAsync($"/jobs/{jobId}/outputs.zip", ct)).StatusCode);
    }

    [Fact]
    public async Task A_private_job_is_hidden_from_teammates_who_are_told_why_and_only_its_owner_may_change_that()
    {
        var ct = TestContext.Current.CancellationToken;
        var (author, teammate, jobId) = await SharedJobAsync();
        var sharing = App.Services.GetRequiredService<JobSharing>();

        Assert.False(await sharing.SetVisibilityAsync(new CurrentUser(teammate, "teammate", IsAdmin: false), jobId, JobVisibility.Private, ct));
        Assert.True(await sharing.SetVisibilityAsync(new CurrentUser(author, "author", IsAdmin: false), jobId, JobVisibility.Private, ct));

        using var browser = await App.SignedInClientAsync("teammate@test.local", "teammate-password-1");
        await using var db = await App.DbAsync();
        var output = await db.JobOutputs.FirstAsync(o => o.JobId == jobId, ct);
        Assert.Contains("This job is private", await browser.GetStringAsync($"/jobs/{jobId}", ct), StringComparison.Ordinal);
        Assert.DoesNotContain("a fox for the whole team", await browser.GetStringAsync("/team", ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/outputs/{output.Id}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/jobs/{jobId}/outputs.zip", ct)).StatusCode);
    }

    [Fact]
    public async Task With_the_admins_default_set_to_private_new_jobs_stay_private()
    {
        var ct = TestContext.Current.CancellationToken;
        await App.Services.GetRequiredService<JobSharing>().SetDefaultAsync(JobVisibility.Private, new Actor(await App.AdminIdAsync(), "Admin"), ct);

        var (_, _, jobId) = await SharedJobAsync();

        await using var db = await App.DbAsync();
        Assert.Equal(JobVisibility.Private, (await db.Jobs.SingleAsync(j => j.Id == jobId, ct)).Visibility);
        Assert.True(await db.Audit.AnyAsync(a => a.Action == "sharing.default", ct));
    }

    [Fact]
    public async Task A_script_sees_only_its_owners_tasks_even_shared_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, teammate, jobId) = await SharedJobAsync();
        var (_, token) = await App.Services.GetRequiredService<PersonalTokens>().CreateAsync(teammate, "script", TimeSpan.FromDays(1), ct);
        using var script = App.AnonymousClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await script.GetAsync($"/api/v1/tasks/task_{jobId:N}", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
