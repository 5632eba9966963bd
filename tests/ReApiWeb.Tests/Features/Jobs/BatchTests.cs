using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>
/// Comparisons, batches and retries through the real submitter against the sandbox, on SQLite: several jobs are
/// admitted together or not at all, a batch's "cancel the rest" stops exactly the jobs that had not left, and a retry
/// is a new job with a new POST.
/// </summary>
public sealed class BatchTests() : SandboxedAppTest("rk_live_batches", TimeSpan.FromSeconds(1))
{
    private static readonly string[] Compared = ["gpt-image-2", "flux-2", "imagen-4-0"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<JobRequest> Comparison(string prompt) =>
        [.. Compared.Select(model => new JobRequest(model, new JsonObject { ["prompt"] = prompt }, Guid.NewGuid()))];

    [Fact]
    public async Task Racing_comparisons_are_admitted_whole_or_not_at_all_at_the_edge_of_an_allowance()
    {
        const int racers = 64;
        var person = (await App.AddUsersAsync(1))[0];
        var batches = App.Services.GetRequiredService<JobBatches>();
        var total = (await batches.QuoteAsync(person, Comparison("price"), Ct)).Total;
        Assert.True(total > 0);
        await App.SetQuotaAsync(QuotaScope.User, person, QuotaPeriod.Day, 10 * total + total / 2); // room for 10 comparisons and half of one

        using var start = new SemaphoreSlim(0);
        var racing = Enumerable.Range(0, racers).Select(async i =>
        {
            await start.WaitAsync();
            return await batches.SubmitAsync(person, JobBatchKind.Compare, $"racer {i}", Comparison($"racer {i}"), CancellationToken.None);
        }).ToArray();
        start.Release(racers);
        var results = await Task.WhenAll(racing);

        var admitted = results.Where(r => r.BatchId is not null).ToList();
        Assert.Equal(10, admitted.Count);
        Assert.All(results.Where(r => r.BatchId is null), r => Assert.Contains($"These 3 jobs cost {total:N0} credits together", r.Refusal, StringComparison.Ordinal));
        foreach (var batch in admitted)
        {
            await batches.SentAsync(batch.BatchId!.Value);
        }

        await using var db = await App.DbAsync();
        var jobs = await db.Jobs.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(30, jobs.Count);
        Assert.All(jobs.GroupBy(j => j.BatchId), g => Assert.Equal([0, 1, 2], g.Select(j => j.BatchIndex).Order()));
        Assert.Equal(10, await db.Batches.CountAsync(Ct));
        var entries = await db.Ledger.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(30, entries.Count(e => e.Kind == LedgerEntryKind.Hold));
        Assert.Equal(30, entries.Count(e => e.Kind == LedgerEntryKind.Charge));
        Assert.Equal(10 * total, await ReApiWeb.Tests.Features.Credits.LedgerInvariants.Consumed(db.Ledger, Ct));
        Assert.Equal(30, Sandbox.State.Tasks.Count);
    }

    [Fact]
    public async Task A_comparison_with_one_invalid_request_makes_nothing()
    {
        var person = (await App.AddUsersAsync(1))[0];
        IReadOnlyList<JobRequest> requests = [.. Comparison("fine"), new JobRequest("imagen-4-0", new JsonObject { ["prompt"] = "x", ["size"] = "2:1" }, Guid.NewGuid())];

        var result = await App.Services.GetRequiredService<JobBatches>().SubmitAsync(person, JobBatchKind.Compare, "fine", requests, Ct);

        Assert.Null(result.BatchId);
        Assert.Equal([3], result.Invalid.Keys);
        await using var db = await App.DbAsync();
        Assert.Equal(0, await db.Jobs.CountAsync(Ct));
        Assert.Equal(0, await db.Ledger.CountAsync(Ct));
        Assert.Empty(Sandbox.State.Tasks);
    }

    [Fact]
    public async Task Cancelling_the_rest_of_a_batch_stops_exactly_the_jobs_not_yet_sent()
    {
        // 40 prompts take at least four seconds to leave at the account's ten requests a second.
        const int count = 40;
        var person = (await App.AddUsersAsync(1))[0];
        var batches = App.Services.GetRequiredService<JobBatches>();
        var requests = Enumerable.Range(0, count).Select(i => new JobRequest("gpt-image-2", new JsonObject { ["prompt"] = $"line {i}" }, Guid.NewGuid())).ToList();
        var balance = Sandbox.State.Balance;

        var result = await batches.SubmitAsync(person, JobBatchKind.Batch, "lines", requests, Ct);
        var batchId = result.BatchId!.Value;
        await App.WaitForJobAsync(result.JobIds[1], j => j.Status != JobStatus.Submitting);
        var cancelled = await batches.CancelRestAsync(person, batchId, Ct);
        await batches.SentAsync(batchId);

        Assert.InRange(cancelled!.Value, 1, count - 2);
        await using var db = await App.DbAsync();
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.BatchId == batchId).OrderBy(j => j.BatchIndex).ToListAsync(Ct);
        var sent = jobs.Where(j => j.TaskId is not null).ToList();
        var stopped = jobs.Where(j => j.Status == JobStatus.Cancelled).ToList();
        Assert.Equal(count, sent.Count + stopped.Count);
        Assert.Equal(cancelled, stopped.Count);
        Assert.All(stopped, j => Assert.Null(j.PostStartedAt));

        // Sent in order: every sent job comes before every cancelled one, and reAPI saw exactly the sent ones.
        Assert.True(sent.Max(j => j.BatchIndex) < stopped.Min(j => j.BatchIndex));
        Assert.Equal(sent.Select(j => j.TaskId).Order(), Sandbox.State.Tasks.Select(t => t.Id).Order());
        var price = result.Credits / count;
        Assert.Equal(balance - sent.Count * price, Sandbox.State.Balance);

        var entries = await db.Ledger.AsNoTracking().ToListAsync(Ct);
        Assert.All(stopped, j => Assert.Single(entries, e => e.JobId == j.Id && e.Kind == LedgerEntryKind.Release));
        Assert.Equal(sent.Count * price, await ReApiWeb.Tests.Features.Credits.LedgerInvariants.Consumed(db.Ledger, Ct));
        Assert.NotNull((await db.Batches.SingleAsync(b => b.Id == batchId, Ct)).CancelledAt);
    }

    [Fact]
    public async Task Only_its_owner_cancels_a_batch()
    {
        var people = await App.AddUsersAsync(2);
        var batches = App.Services.GetRequiredService<JobBatches>();
        var result = await batches.SubmitAsync(people[0], JobBatchKind.Batch, "mine", [new JobRequest("gpt-image-2", new JsonObject { ["prompt"] = "mine" }, Guid.NewGuid())], Ct);

        Assert.Null(await batches.CancelRestAsync(people[1], result.BatchId!.Value, Ct));
        Assert.Null(await batches.CancelRestAsync(people[0], Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Retrying_a_failed_job_makes_a_new_job_and_never_sends_the_old_post_again()
    {
        var person = (await App.AddUsersAsync(1))[0];
        var submitter = App.Services.GetRequiredService<JobSubmitter>();
        var first = await submitter.SubmitAsync(person, new JobRequest("gpt-image-2", new JsonObject { ["prompt"] = "storm [fail]", ["size"] = "16:9" }, Guid.NewGuid()), Ct);
        var failed = await App.WaitForJobAsync(first.JobId!.Value, j => j.Status == JobStatus.Failed);
        var reader = App.Services.GetRequiredService<IJobReader>();
        var view = await reader.GetAsync(new ReApiWeb.Features.Auth.CurrentUser(person, "m", false), failed.Id, Ct);

        var retry = await submitter.SubmitAsync(person, JobRemix.Retry(view!), Ct);

        Assert.NotEqual(failed.Id, retry.JobId);
        var again = await App.WaitForJobAsync(retry.JobId!.Value, j => j.Status.IsTerminal());
        Assert.Equal(failed.Id, again.SourceJobId);
        Assert.NotEqual(failed.TaskId, again.TaskId);
        Assert.Equal(JsonNode.Parse(failed.RequestJson), JsonNode.Parse(again.RequestJson), JsonNode.DeepEquals);
        Assert.Equal(2, Sandbox.State.Tasks.Count);
        await using var db = await App.DbAsync();
        var old = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == failed.Id, Ct);
        Assert.Equal((JobStatus.Failed, failed.TaskId, failed.PostStartedAt), (old.Status, old.TaskId, old.PostStartedAt));
    }
}
