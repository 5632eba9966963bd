using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>The one place a job's status changes: its table, its conditions, and the ledger entry in the same transaction.</summary>
public sealed class JobStateMachineTests : IAsyncLifetime
{
    private TestApp _app = default!;

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = TestApp.Start(TestApp.NewDataDirectory());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private JobStateMachine States => _app.Services.GetRequiredService<JobStateMachine>();

    /// <summary>A held job in <paramref name="status"/>, as admission leaves it (a Hold of 100 credits).</summary>
    private async Task<Guid> HeldJobAsync(JobStatus status, DateTimeOffset? postStartedAt = null)
    {
        var owner = await _app.AdminIdAsync();
        var job = new Job
        {
            OwnerId = owner, ModelId = "z-image", Prompt = "state", RequestJson = "{}", SubmissionKey = Guid.NewGuid(),
            Status = status, CreatedAt = DateTimeOffset.UtcNow, PostStartedAt = postStartedAt,
        };
        await using var db = await _app.DbAsync();
        db.Jobs.Add(job);
        db.Ledger.Add(new LedgerEntry { UserId = owner, JobId = job.Id, Kind = LedgerEntryKind.Hold, Credits = 100, ModelId = "z-image", At = DateTimeOffset.UtcNow, PeriodAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(Ct);
        return job.Id;
    }

    private async Task<(JobStatus Status, string Ledger)> StateAsync(Guid jobId)
    {
        await using var db = await _app.DbAsync();
        var status = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Status).SingleAsync(Ct);
        var ledger = await db.Ledger.Where(l => l.JobId == jobId).OrderBy(l => l.Id).Select(l => l.Kind).ToListAsync(Ct);
        return (status, string.Join(" ", ledger));
    }

    [Fact]
    public void Every_transition_starts_only_from_states_that_are_not_terminal_and_books_what_its_money_means()
    {
        Assert.All(JobTransitions.All, t => Assert.DoesNotContain(t.From, s => s.IsTerminal()));
        Assert.Equal(JobTransitions.All.Count, JobTransitions.All.Select(t => t.Name).Distinct().Count());

        // A hold becomes a charge only when reAPI made the task; it goes back only when reAPI made none; a charge is
        // refunded only when reAPI failed the task.
        Assert.Equal([JobTransitions.Accepted, JobTransitions.Attached], JobTransitions.All.Where(t => t.Books == LedgerBooking.Charge));
        Assert.Equal([JobTransitions.Rejected, JobTransitions.ClosedAsNeverReceived, JobTransitions.Cancelled], JobTransitions.All.Where(t => t.Books == LedgerBooking.Release));
        Assert.Equal([JobTransitions.Failed], JobTransitions.All.Where(t => t.Books == LedgerBooking.Refund));
    }

    [Fact]
    public async Task A_transition_from_a_state_it_does_not_start_from_changes_and_books_nothing()
    {
        var done = await HeldJobAsync(JobStatus.Completed);
        Assert.Null(await States.ApplyAsync(done, JobTransitions.Failed, cancellationToken: Ct));
        Assert.Null(await States.ApplyAsync(done, JobTransitions.Rejected, cancellationToken: Ct));
        Assert.Equal((JobStatus.Completed, "Hold"), await StateAsync(done));
    }

    [Fact]
    public async Task Of_racing_callers_exactly_one_moves_the_job_and_books_its_entry()
    {
        var job = await HeldJobAsync(JobStatus.Submitting);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            States.ApplyAsync(job, i % 2 == 0 ? JobTransitions.Rejected : JobTransitions.Cancelled, cancellationToken: Ct)));

        Assert.Single(outcomes, o => o is not null);
        var (status, ledger) = await StateAsync(job);
        Assert.Contains(status, new[] { JobStatus.Rejected, JobStatus.Cancelled });
        Assert.Equal("Hold Release", ledger);
    }

    [Fact]
    public async Task A_condition_keeps_a_job_whose_post_left_from_being_cancelled()
    {
        var sent = await HeldJobAsync(JobStatus.Submitting, postStartedAt: DateTimeOffset.UtcNow);
        var waiting = await HeldJobAsync(JobStatus.Submitting);

        var moved = await States.ApplyAllAsync([sent, waiting], JobTransitions.Cancelled, where: j => j.PostStartedAt == null, cancellationToken: Ct);

        Assert.Equal([waiting], moved.Select(m => m.Id));
        Assert.Equal((JobStatus.Submitting, "Hold"), await StateAsync(sent));
        Assert.Equal((JobStatus.Cancelled, "Hold Release"), await StateAsync(waiting));
    }

    [Fact]
    public async Task An_admins_change_that_fails_its_audit_check_is_rolled_back_with_its_ledger_entry()
    {
        var job = await HeldJobAsync(JobStatus.Unconfirmed);
        var member = await _app.AddLocalUserAsync("member@test.local", "member-password-1");

        await Assert.ThrowsAsync<AdminRightsException>(() =>
            _app.Services.GetRequiredService<UnconfirmedJobs>().CloseAsNotReceivedAsync(job, new Actor(member, "Member"), Ct));

        Assert.Equal((JobStatus.Unconfirmed, "Hold"), await StateAsync(job));
        Assert.True(await _app.Services.GetRequiredService<UnconfirmedJobs>().CloseAsNotReceivedAsync(job, new Actor(await _app.AdminIdAsync(), "Admin"), Ct));
        Assert.Equal((JobStatus.Rejected, "Hold Release"), await StateAsync(job));
        await using var db = await _app.DbAsync();
        Assert.Equal(1, await db.Audit.CountAsync(e => e.Action == "job.close", Ct));
    }
}
