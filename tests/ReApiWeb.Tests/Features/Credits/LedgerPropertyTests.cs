using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Credits;

/// <summary>
/// Random job lifecycles against the sandbox: jobs accepted, refused for lack of credits, failed, completed, lost in a
/// reset after reAPI created them, repeated failure reports from a second poller, admins resolving unconfirmed jobs,
/// chat replies completed, stopped, failed before their first token or mid-stream, and app restarts in between. Whatever the sequence, the ledger's invariants hold and it matches reAPI's account.
/// </summary>
public sealed class LedgerPropertyTests(PostgresServer postgres)
{
    private const string Key = "rk_live_property";
    private const long StartingBalance = 900;
    private static readonly string[] Models = ["gpt-image-2", "flux-2", "z-image"];

    private const string SecondKey = "rk_live_property_second";

    /// <summary>
    /// With two accounts, one person's group is served by the second account first (their jobs fail over to the first
    /// when it runs out of credits) and the others use the first only: every account must match its own jobs.
    /// </summary>
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 1, false)]
    [InlineData(3, 1, false)]
    [InlineData(4, 2, false)]
    [InlineData(5, 2, false)]
    [InlineData(6, 1, true)]
    [InlineData(7, 2, true)]
    public async Task Any_lifecycle_keeps_one_charge_and_one_refund_per_job_and_matches_reAPIs_balance(int seed, int accounts, bool onPostgres)
    {
        var random = new Random(seed);
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.AddRange(accounts == 1 ? [Key] : [Key, SecondKey]);
            o.StartingBalance = StartingBalance; // runs out mid-sequence: reAPI then refuses with 402
            o.FailureRate = 0.2;
            o.Seed = seed;
            o.Durations[OutputKind.Image] = TimeSpan.FromMilliseconds(400);
            o.DurationJitter = 0.8;
            o.Faults.SubmitResetAfterCreateRate = 0.1;
        });
        var data = TestApp.NewDataDirectory();
        var settings = TestApp.UpstreamSettings(sandbox.BaseUri, Key);
        if (accounts == 2)
        {
            TwoAccounts.Configure(settings, Key, SecondKey);
        }

        if (onPostgres)
        {
            await postgres.UseAsync(settings);
        }

        var app = TestApp.Start(data, settings);
        var people = await app.AddUsersAsync(2);
        people = [.. people, await app.AdminIdAsync()];
        IReadOnlyDictionary<Guid, string>? keys = null;
        if (accounts == 2)
        {
            keys = await TwoAccounts.KeysAsync(app, Key, SecondKey);
            await TwoAccounts.JoinSecondAsync(app, people[0]);

            // The scenario needs the second account to hold a task whatever the random steps do to the member's own
            // jobs (restarts, resets): one of their jobs is sent there first (again if reAPI's answer was lost).
            for (var i = 0; i < 5; i++)
            {
                var first = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
                    people[0], new JobRequest("z-image", new JsonObject { ["prompt"] = $"seed {seed} second account {i}" }, Guid.NewGuid()), TestContext.Current.CancellationToken);
                if (first.Status == JobStatus.Processing)
                {
                    break;
                }
            }
        }

        var pending = new List<Task>();
        try
        {
            for (var step = 0; step < 40; step++)
            {
                var roll = random.NextDouble();
                if (roll < 0.6)
                {
                    var prompt = (random.NextDouble() < 0.25 ? "[fail] " : "") + $"seed {seed} step {step}";
                    var request = new JobRequest(Models[random.Next(Models.Length)], new JsonObject { ["prompt"] = prompt }, Guid.NewGuid());
                    pending.Add(SubmitSwallowingShutdownAsync(app, people[random.Next(people.Length)], request));
                }
                else if (roll < 0.72)
                {
                    // A chat reply: completed, stopped mid-stream, failed before its first token or mid-stream.
                    pending.Add(ChatSwallowingShutdownAsync(app, people[random.Next(people.Length)], random.Next(4), $"seed {seed} step {step}"));
                }
                else if (roll < 0.8)
                {
                    // A restart, possibly with submissions still on their way: those end with the old instance, and the
                    // new one's start-up finds any job caught mid-POST.
                    await app.DisposeAsync();
                    await Task.WhenAll(pending);
                    app = TestApp.Start(data, settings);
                }
                else if (roll < 0.9)
                {
                    await ReportFailuresTwiceAsync(app, sandbox);
                }
                else
                {
                    await ResolveUnconfirmedAsync(app, sandbox);
                }
            }

            await Task.WhenAll(pending);
            await WaitUntilSettledAsync(app, sandbox);
            await app.Services.GetRequiredService<ReApiWeb.Features.Chat.ChatSweeper>().SweepAsync(TestContext.Current.CancellationToken); // replies a restart cut off
            await ReportFailuresTwiceAsync(app, sandbox);
            await using var db = await app.DbAsync();
            Assert.Contains(await db.Jobs.ToListAsync(TestContext.Current.CancellationToken), j => j.Status == JobStatus.Failed);
            await LedgerInvariants.AssertHoldAsync(db, sandbox, StartingBalance, keys);

            // The running totals, kept entry by entry through restarts and races, equal the ledger's sums in every period.
            Assert.Empty(await app.Services.GetRequiredService<ReApiWeb.Features.Credits.CreditTotals>().VerifyAsync(TestContext.Current.CancellationToken));
            if (accounts == 2)
            {
                // Both accounts took jobs.
                Assert.Equal(2, await db.Jobs.Where(j => j.TaskId != null).Select(j => j.AccountId).Distinct().CountAsync(TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task SubmitSwallowingShutdownAsync(TestApp app, Guid person, JobRequest request)
    {
        try
        {
            await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(person, request, CancellationToken.None);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The app was stopped under this submission; the next start finds its job Submitting and makes it Unconfirmed.
        }
    }

    /// <summary>A chat reply of <paramref name="kind"/>: 0 completed, 1 stopped after a few chunks, 2 failed before any token, 3 failed mid-stream.</summary>
    private static async Task ChatSwallowingShutdownAsync(TestApp app, Guid person, int kind, string prompt)
    {
        var trigger = kind switch { 1 => "[[long]] ", 2 => "[[fail-before]] ", 3 => "[[fail-mid]] ", _ => "" };
        var body = new JsonObject
        {
            ["model"] = "deepseek-v4-flash",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = trigger + prompt }),
            ["stream"] = true,
            ["max_tokens"] = 400,
        };
        try
        {
            var start = await app.Services.GetRequiredService<ReApiWeb.Features.Chat.ChatGateway>().StartAsync(person, body, ChatSource.Api, null, CancellationToken.None);
            if (start.Run is not { } run)
            {
                return; // refused: an allowance, reAPI's balance, or the failure before the first token
            }

            await using (run)
            {
                using var stop = new CancellationTokenSource();
                var chunks = 0;
                try
                {
                    await foreach (var chunk in run.ReadAsync(stop.Token))
                    {
                        if (chunk.Text is not null && ++chunks == 3 && kind == 1)
                        {
                            await stop.CancelAsync();
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped on purpose.
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or InvalidOperationException or ReApiException)
        {
            // The app was stopped under this reply; the next start's sweep settles it if it was left streaming.
        }
    }

    /// <summary>A second poller (or instance) learning of the same failures: for each failed job, two more reports race.</summary>
    private static async Task ReportFailuresTwiceAsync(TestApp app, SandboxServer sandbox)
    {
        var finalizer = app.Services.GetRequiredService<JobFinalizer>();
        await using var db = await app.DbAsync();
        var failedTasks = sandbox.State.Tasks.Where(t => t.Status == ReApiTaskStatus.Failed).Select(t => t.Id).ToHashSet();
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.TaskId != null).ToListAsync();
        foreach (var job in jobs.Where(j => failedTasks.Contains(j.TaskId!)))
        {
            var target = new PollTarget(job.Id, job.OwnerId, job.TaskId!, job.ModelId, job.SubmittedAt ?? job.CreatedAt);
            var error = new ReApiTaskError(80003, "provider failed");
            var wins = await Task.WhenAll(finalizer.FailAsync(target, error, CancellationToken.None), finalizer.FailAsync(target, error, CancellationToken.None));
            Assert.True(wins.Count(w => w) <= (job.Status is JobStatus.Processing or JobStatus.Stalled ? 1 : 0), $"{job.Prompt} failed more than once");
        }
    }

    /// <summary>An admin checks reAPI for each unconfirmed job: attaches the task it made, or closes the job as never received.</summary>
    private static async Task ResolveUnconfirmedAsync(TestApp app, SandboxServer sandbox)
    {
        var unconfirmed = app.Services.GetRequiredService<UnconfirmedJobs>();
        var admin = await app.AdminIdAsync();
        foreach (var job in await unconfirmed.ListAsync(CancellationToken.None))
        {
            var task = sandbox.State.Tasks.SingleOrDefault(t => t.Prompt == job.Prompt);
            _ = task is null
                ? await unconfirmed.CloseAsNotReceivedAsync(job.Id, new Actor(admin, "Admin"), CancellationToken.None)
                : await unconfirmed.AttachTaskAsync(job.Id, task.Id, new Actor(admin, "Admin"), CancellationToken.None);
        }
    }

    private static async Task WaitUntilSettledAsync(TestApp app, SandboxServer sandbox)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await ResolveUnconfirmedAsync(app, sandbox);
            await using var db = await app.DbAsync();
            var open = await db.Jobs.Where(j => j.Status != JobStatus.Completed && j.Status != JobStatus.Failed && j.Status != JobStatus.Rejected)
                .Select(j => j.Id).FirstOrDefaultAsync(deadline.Token);
            if (open == Guid.Empty)
            {
                return;
            }

            // Wait for that job to settle or need an admin (the poller reports every change), then look again.
            await app.WaitForJobAsync(open, j => j.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Rejected or JobStatus.Unconfirmed, TimeSpan.FromSeconds(30));
        }
    }
}
