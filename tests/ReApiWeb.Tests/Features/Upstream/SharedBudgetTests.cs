using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Upstream;

/// <summary>Two instances on one PostgreSQL database and one Redis, with one reAPI account: one budget between them.</summary>
public sealed class SharedBudgetTests(PostgresServer postgres, RedisServer redis)
{
    private const string Key = "rk_live_shared_budget";

    [Fact]
    public async Task Two_instances_submitting_and_polling_at_once_stay_inside_the_accounts_10_requests_a_second()
    {
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(3);
            o.DurationJitter = 0.3;
        });
        var settings = await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
        await using var first = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var second = TestApp.Start(TestApp.NewDataDirectory(), settings);

        // 30 jobs on each instance at once: alone, each instance would send up to 10 requests a second, 20 together.
        var owner = await first.AdminIdAsync();
        var submitted = await Task.WhenAll(new[] { first, second }.SelectMany(app => Enumerable.Range(0, 30).Select(async i => (App: app,
            Result: await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
                owner, new JobRequest("z-image", new JsonObject { ["prompt"] = $"shared budget {i}" }, Guid.NewGuid()), CancellationToken.None)))));
        Assert.All(submitted, s => Assert.Equal(JobStatus.Processing, s.Result.Status));

        // Each job is followed by the leader; its events reach both instances.
        foreach (var (app, result) in submitted)
        {
            await app.WaitForJobAsync(result.JobId!.Value, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(120));
        }

        var statistics = sandbox.State.StatisticsOf(Key);
        Assert.Equal(60, statistics.Submissions);
        Assert.Equal(0, statistics.RateLimited);
        Assert.True(statistics.MaxRequestsInWindow <= 10, $"{statistics.MaxRequestsInWindow} requests in one window");
    }
}
