using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The app on its embedded defaults: no key set, so jobs go to the sandbox it mounts on its own address.</summary>
public sealed class EmbeddedSandboxTests
{
    [Fact]
    public async Task Without_a_key_the_app_runs_in_sandbox_mode_and_resumes_jobs_after_a_restart()
    {
        var data = TestApp.NewDataDirectory();
        var settings = new Dictionary<string, string?> { ["Sandbox:Durations:Image"] = "00:00:03" };
        Guid jobId;
        await using (var first = TestApp.Start(data, settings))
        {
            Assert.True(await first.Services.GetRequiredService<UpstreamMode>().IsSandboxAsync(CancellationToken.None));
            var result = await first.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
                await first.AdminIdAsync(), new JobRequest("imagen-4-0", new JsonObject { ["prompt"] = "restart me" }, Guid.NewGuid()), CancellationToken.None);
            Assert.Equal(JobStatus.Processing, result.Status);
            jobId = result.JobId!.Value;
        }

        await using var second = TestApp.Start(data, settings);
        var job = await second.WaitForJobAsync(jobId, j => j.Status.IsTerminal() && j.Outputs.All(o => o.StoragePath != null));

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Single(job.Outputs);
    }
}
