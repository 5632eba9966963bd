using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Cluster;

/// <summary>An instance that loses Redis sends nothing to reAPI, says so on every page, and goes on when Redis is back.</summary>
public sealed class RedisOutageTests(PostgresServer postgres)
{
    private const string Key = "rk_live_redis_outage";
    private const string Notice = "Jobs are paused";

    [Fact]
    public async Task While_Redis_is_down_nothing_reaches_reAPI_pages_say_so_and_jobs_go_out_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = new RedisServer(); // its own, to stop and start
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
        });
        var settings = await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        var status = app.Services.GetRequiredService<RedisStatus>();
        using var client = await app.SignedInClientAsync();
        Assert.DoesNotContain(Notice, await client.GetStringAsync("/jobs", ct));

        await redis.StopAsync();
        await TestApp.UntilAsync(() => status.Unreachable, TimeSpan.FromSeconds(30), "the app notices Redis is gone");
        Assert.Contains(Notice, await client.GetStringAsync("/jobs", ct));
        using (var health = await client.GetAsync("/health", ct))
        {
            // Degraded, not down: pages still work everywhere, and every instance would fail at once.
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync(ct));
        }

        // A job made now is admitted (held) and waits at the gate: nothing reaches reAPI.
        var owner = await app.AdminIdAsync();
        var before = sandbox.State.StatisticsOf(Key).Requests;
        var submitting = app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(owner, new JobRequest("z-image", new JsonObject { ["prompt"] = "made while Redis was away" }, Guid.NewGuid()), CancellationToken.None);
        await TestApp.UntilAsync(async () =>
        {
            await using var db = await app.DbAsync();
            return await db.Jobs.AnyAsync(j => j.Prompt == "made while Redis was away", ct);
        }, TimeSpan.FromSeconds(30), "the job is admitted");
        Assert.False(submitting.IsCompleted);
        Assert.Equal(before, sandbox.State.StatisticsOf(Key).Requests);

        await redis.StartAsync();
        var result = await submitting.WaitAsync(TimeSpan.FromSeconds(60), ct);
        await app.WaitForJobAsync(result.JobId!.Value, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(60));
        await TestApp.UntilAsync(() => !status.Unreachable, TimeSpan.FromSeconds(30), "the app notices Redis is back");
        Assert.DoesNotContain(Notice, await client.GetStringAsync("/jobs", ct));
    }
}
