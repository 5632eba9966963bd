using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Telemetry;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Telemetry;

/// <summary>What the System page reads: an account's requests by kind this last minute, its tasks in flight, how late finished tasks were seen.</summary>
public sealed class SystemStatusTests() : SandboxedAppTest("rk_live_system_tests", TimeSpan.FromSeconds(5))
{
    [Fact]
    public async Task The_page_sees_the_budget_in_use_the_tasks_in_flight_and_the_detection_delay()
    {
        var ct = TestContext.Current.CancellationToken;
        var status = App.Services.GetRequiredService<SystemStatus>();
        var admin = await App.AdminIdAsync();
        var submitter = App.Services.GetRequiredService<JobSubmitter>();
        var jobs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add((await submitter.SubmitAsync(admin, new JobRequest("z-image", new JsonObject { ["prompt"] = $"system {i}" }, Guid.NewGuid()), ct)).JobId!.Value);
        }

        var during = await status.ReadAsync(ct);
        var account = Assert.Single(during.Accounts);
        Assert.Equal(3, account.TasksInFlight + account.QueuedSubmissions);
        Assert.True(account.Activity.PerSecond.Sum() >= 3, "the three POSTs are among the last minute's requests");

        foreach (var job in jobs)
        {
            await App.WaitForJobAsync(job, j => j.Status == ReApiWeb.Data.JobStatus.Completed);
        }

        var after = await status.ReadAsync(ct);
        account = Assert.Single(after.Accounts);
        Assert.Equal(0, account.TasksInFlight);
        Assert.True(account.Activity.PerSecond.Sum() > 3, "polls were made too");
        Assert.Equal(3, after.FinishedLastHour);
        Assert.NotNull(after.DetectionDelayMedianSeconds);
        Assert.InRange(after.DetectionDelayMedianSeconds!.Value, 0, 30);
        Assert.True(after.DatabaseBytes > 0);
    }
}
