using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Cluster;

/// <summary>Instances on one PostgreSQL database and one Redis: one of them polls, and another takes over when it stops.</summary>
public sealed class LeadershipTests(PostgresServer postgres, RedisServer redis)
{
    private const string Key = "rk_live_leadership";

    [Fact]
    public async Task One_instance_polls_every_task_and_another_takes_over_when_it_stops()
    {
        await using var sandbox = await StartSandboxAsync();
        var settings = await ClusterSettingsAsync(sandbox);
        await using var first = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var second = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await TestApp.UntilAsync(() => Leads(first) != Leads(second), TimeSpan.FromSeconds(30), "one instance leads");
        var (leader, follower) = Leads(first) ? (first, second) : (second, first);

        // Sent from the instance that does not lead: the leader follows them, the sender does not.
        var owner = await follower.AdminIdAsync();
        var early = await SubmitAsync(follower, owner, "sent from the follower", 4);
        foreach (var id in early)
        {
            await follower.WaitForJobAsync(id, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(60));
        }

        var followerSchedules = follower.Services.GetRequiredService<PollSchedules>();
        Assert.DoesNotContain(early, followerSchedules.Follows);
        Assert.True(Leads(leader) && !Leads(follower));

        // The leader stops while tasks run upstream: the other instance takes over and settles them.
        var late = await SubmitAsync(leader, owner, "running when the leader stopped", 4);
        await leader.DisposeAsync();
        await TestApp.UntilAsync(() => Leads(follower), TimeSpan.FromSeconds(30), "the other instance leads");
        foreach (var id in late)
        {
            await follower.WaitForJobAsync(id, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(60));
        }

        Assert.Equal(8, sandbox.State.StatisticsOf(Key).Submissions);
    }

    [Fact]
    public async Task A_job_sent_from_one_instance_is_seen_live_on_another()
    {
        await using var sandbox = await StartSandboxAsync();
        var settings = await ClusterSettingsAsync(sandbox);
        await using var first = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var second = TestApp.Start(TestApp.NewDataDirectory(), settings);
        var owner = await first.AdminIdAsync();

        // A page on the second instance (its gallery's subscription) and a script connected to its jobs hub learn of
        // the job the first one sent, whichever instance leads.
        var seen = new System.Collections.Concurrent.ConcurrentQueue<JobStatus>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var page = second.Services.GetRequiredService<IEventBus>().Subscribe([EventTopic.JobsOf(owner)], batch =>
        {
            foreach (var change in batch.Events.OfType<JobEvent>())
            {
                seen.Enqueue(change.Status);
                if (change.Status == JobStatus.Completed)
                {
                    completed.TrySetResult();
                }
            }

            return Task.CompletedTask;
        });
        var cookies = await second.SignInAsync();
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(second.BaseUri, JobsHub.Path), o => o.Cookies = cookies).Build();
        var pushed = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JobEvent>(JobsHub.JobUpdated, e =>
        {
            if (e.Status == JobStatus.Completed)
            {
                pushed.TrySetResult(e);
            }
        });
        await hub.StartAsync(TestContext.Current.CancellationToken);

        var sent = await SubmitAsync(first, owner, "seen elsewhere", 1);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(sent[0], (await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).JobId);
        Assert.Contains(JobStatus.Processing, seen);
    }

    /// <summary>
    /// The leader takes over the jobs of an instance that is gone (its POSTs on their way become Unconfirmed, what it
    /// admitted but never sent is sent), and leaves alone those of an instance that lives, however old.
    /// </summary>
    [Fact]
    public async Task The_leader_takes_over_a_gone_instances_jobs_and_leaves_a_live_ones_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await StartSandboxAsync();
        var settings = await ClusterSettingsAsync(sandbox);
        await using var leader = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var other = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await TestApp.UntilAsync(() => Leads(leader), TimeSpan.FromSeconds(30), "the first instance leads");
        var owner = await leader.AdminIdAsync();
        var account = await leader.DefaultAccountIdAsync();
        var alive = other.Services.GetRequiredService<InstanceRegistry>().Id;
        var gone = Guid.NewGuid();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        Job Held(string prompt, Guid instance, bool posted) => new()
        {
            OwnerId = owner,
            ModelId = "z-image",
            Prompt = prompt,
            RequestJson = new JsonObject { ["model"] = "z-image", ["prompt"] = prompt }.ToJsonString(),
            SubmissionKey = Guid.NewGuid(),
            AccountId = account,
            InstanceId = instance,
            Status = JobStatus.Submitting,
            CreatedAt = longAgo,
            PostStartedAt = posted ? longAgo : null,
        };

        Job[] jobs =
        [
            Held("posted by a live instance", alive, posted: true),
            Held("queued on a live instance", alive, posted: false),
            Held("posted by a gone instance", gone, posted: true),
            Held("queued on a gone instance", gone, posted: false),
        ];
        await using (var db = await leader.DbAsync())
        {
            db.Jobs.AddRange(jobs);
            await db.SaveChangesAsync(ct);
        }

        await leader.WaitForJobAsync(jobs[2].Id, j => j.Status == JobStatus.Unconfirmed, TimeSpan.FromSeconds(30));
        var sent = await leader.WaitForJobAsync(jobs[3].Id, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Equal(leader.Services.GetRequiredService<InstanceRegistry>().Id, sent.InstanceId);

        await using var check = await leader.DbAsync();
        var untouched = await check.Jobs.Where(j => j.InstanceId == alive).Select(j => new { j.Status, j.PostStartedAt }).ToListAsync(ct);
        Assert.Equal(2, untouched.Count);
        Assert.All(untouched, j => Assert.Equal(JobStatus.Submitting, j.Status));
        Assert.Equal(1, sandbox.State.StatisticsOf(Key).Submissions);
    }

    /// <summary>
    /// The leader is sending a job a gone instance left when it loses the lease (its database session ended) while it
    /// lives on: the POST under way is finished and recorded, not dropped half-way (no other instance would settle a
    /// job a live instance has in hand).
    /// </summary>
    [Fact]
    public async Task A_post_under_way_is_finished_when_its_sender_loses_the_lease_and_lives_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(1);
            o.Faults.SubmitSlowRate = 1;
            o.Faults.SlowAnswerDelay = TimeSpan.FromSeconds(3);
        });
        var settings = await ClusterSettingsAsync(sandbox);
        await using var first = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await using var second = TestApp.Start(TestApp.NewDataDirectory(), settings);
        await TestApp.UntilAsync(() => Leads(first) != Leads(second), TimeSpan.FromSeconds(30), "one instance leads");
        var (leader, other) = Leads(first) ? (first, second) : (second, first);
        var job = new Job
        {
            OwnerId = await leader.AdminIdAsync(),
            ModelId = "z-image",
            Prompt = "left by a gone instance",
            RequestJson = new JsonObject { ["model"] = "z-image", ["prompt"] = "left by a gone instance" }.ToJsonString(),
            SubmissionKey = Guid.NewGuid(),
            AccountId = await leader.DefaultAccountIdAsync(),
            InstanceId = Guid.NewGuid(),
            Status = JobStatus.Submitting,
            CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
        };
        await using (var db = await leader.DbAsync())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync(ct);
        }

        // The leader sends it (reAPI takes 3 s to answer); meanwhile its session ends, as when the database restarts or
        // a network cut drops the lease's connection.
        var term = await leader.Services.GetRequiredService<ILeadership>().WaitForTermAsync(ct);
        await TestApp.UntilAsync(async () =>
        {
            await using var db = await leader.DbAsync();
            return await db.Jobs.AnyAsync(j => j.Id == job.Id && j.PostStartedAt != null, ct); // no event says a POST began
        }, TimeSpan.FromSeconds(30), "the leader sends the job");
        await postgres.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
        await TestApp.UntilAsync(() => term.IsCancellationRequested, TimeSpan.FromSeconds(30), "the leader's term ends");

        // Whichever instance leads next (the same may take the lease again), the job is settled.
        var sent = await other.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Completed, TimeSpan.FromSeconds(30));
        Assert.Equal(leader.Services.GetRequiredService<InstanceRegistry>().Id, sent.InstanceId);
        Assert.Equal(1, sandbox.State.StatisticsOf(Key).Submissions);
    }

    private static bool Leads(TestApp app) => app.Services.GetRequiredService<ILeadership>().IsLeading;

    private static async Task<IReadOnlyList<Guid>> SubmitAsync(TestApp app, Guid owner, string prompt, int count)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
            owner, new JobRequest("z-image", new JsonObject { ["prompt"] = $"{prompt} {i}" }, Guid.NewGuid()), CancellationToken.None)));
        Assert.All(results, r => Assert.Equal(JobStatus.Processing, r.Status));
        return [.. results.Select(r => r.JobId!.Value)];
    }

    private static Task<SandboxServer> StartSandboxAsync() => SandboxServer.StartAsync(o =>
    {
        o.ApiKeys.Add(Key);
        o.Durations[OutputKind.Image] = TimeSpan.FromSeconds(2);
        o.DurationJitter = 0.3;
    });

    /// <summary>Settings of instances sharing a new database, Redis and one reAPI account (the sandbox), each with its own data folder.</summary>
    private async Task<Dictionary<string, string?>> ClusterSettingsAsync(SandboxServer sandbox) =>
        await ClusterSettings.ForAsync(postgres, redis, sandbox.BaseUri, Key);
}
