using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Jobs;

/// <summary>What the ledger books when a transition is applied: nothing, the hold turned into a charge, the hold given back, or the charge refunded.</summary>
public enum LedgerBooking
{
    None,
    Charge,
    Release,
    Refund,
}

/// <summary>One allowed change of a job's status: from which states, to which, and what the ledger books with it.</summary>
public sealed record JobTransition(string Name, JobStatus[] From, JobStatus To, LedgerBooking Books);

/// <summary>Every status change a job may make; nothing else changes a job's status.</summary>
public static class JobTransitions
{
    /// <summary>reAPI accepted the POST (or a start-up sweep had marked it Unconfirmed first): the task id is known, the hold becomes a charge.</summary>
    public static readonly JobTransition Accepted = new("accepted", [JobStatus.Submitting, JobStatus.Unconfirmed], JobStatus.Processing, LedgerBooking.Charge);

    /// <summary>reAPI refused the POST, or it never left: no task, nothing charged, the hold goes back.</summary>
    public static readonly JobTransition Rejected = new("rejected", [JobStatus.Submitting], JobStatus.Rejected, LedgerBooking.Release);

    /// <summary>The POST may or may not have made a task: held until an admin decides.</summary>
    public static readonly JobTransition Unconfirmed = new("unconfirmed", [JobStatus.Submitting], JobStatus.Unconfirmed, LedgerBooking.None);

    /// <summary>Still running long after the model's usual time.</summary>
    public static readonly JobTransition Stalled = new("stalled", [JobStatus.Processing], JobStatus.Stalled, LedgerBooking.None);

    public static readonly JobTransition Completed = new("completed", [JobStatus.Processing, JobStatus.Stalled], JobStatus.Completed, LedgerBooking.None);

    /// <summary>reAPI ended the task in failure and refunded it: so does the ledger, once.</summary>
    public static readonly JobTransition Failed = new("failed", [JobStatus.Processing, JobStatus.Stalled], JobStatus.Failed, LedgerBooking.Refund);

    /// <summary>An admin attached the task reAPI did make: it is charged and followed.</summary>
    public static readonly JobTransition Attached = new("attached", [JobStatus.Unconfirmed], JobStatus.Processing, LedgerBooking.Charge);

    /// <summary>An admin checked that reAPI never received it: nothing was charged, the hold goes back.</summary>
    public static readonly JobTransition ClosedAsNeverReceived = new("closed as never received", [JobStatus.Unconfirmed], JobStatus.Rejected, LedgerBooking.Release);

    /// <summary>Its owner cancelled it before it was sent (the rest of a batch).</summary>
    public static readonly JobTransition Cancelled = new("cancelled", [JobStatus.Submitting], JobStatus.Cancelled, LedgerBooking.Release);

    public static IReadOnlyList<JobTransition> All { get; } = [Accepted, Rejected, Unconfirmed, Stalled, Completed, Failed, Attached, ClosedAsNeverReceived, Cancelled];
}

/// <summary>
/// The one place a job's status changes. In one transaction it applies the transition as a conditional update (only
/// from the states the transition allows, so of concurrent callers exactly one wins), sets what goes with it, books the
/// ledger entry that belongs to it, and queues the job's event for the commit (the ledger queues its own credit event).
/// A caller that lost gets nothing back and nothing is written for that job.
/// </summary>
public sealed class JobStateMachine(IDbContextFactory<AppDbContext> dbFactory, WriteGate writes, CreditLedger ledger, Telemetry.AppMetrics metrics, TimeProvider time)
{
    /// <summary>
    /// Moves job <paramref name="jobId"/> along <paramref name="transition"/>. <paramref name="set"/> adds the columns
    /// that go with it; <paramref name="where"/> narrows the condition (e.g. a job whose POST has not left);
    /// <paramref name="inTransaction"/> adds rows in the same transaction (outputs, an audit entry); <paramref name="message"/>
    /// goes with the event. Returns the job as it was before the change, or null when it was not in a state the
    /// transition starts from.
    /// </summary>
    public async Task<JobFacts?> ApplyAsync(
        Guid jobId,
        JobTransition transition,
        Action<UpdateSettersBuilder<Job>>? set = null,
        string? message = null,
        Expression<Func<Job, bool>>? where = null,
        Func<AppDbContext, JobFacts, Task>? inTransaction = null,
        CancellationToken cancellationToken = default) =>
        (await ApplyAllAsync([jobId], transition, set, message, where, inTransaction, cancellationToken)).SingleOrDefault();

    /// <summary>The same for several jobs in one transaction (cancel the rest of a batch); returns those that moved.</summary>
    public async Task<IReadOnlyList<JobFacts>> ApplyAllAsync(
        IReadOnlyList<Guid> jobIds,
        JobTransition transition,
        Action<UpdateSettersBuilder<Job>>? set = null,
        string? message = null,
        Expression<Func<Job, bool>>? where = null,
        Func<AppDbContext, JobFacts, Task>? inTransaction = null,
        CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.InTransactionAsync<IReadOnlyList<JobFacts>>(async transaction =>
            {
                var moved = new List<JobFacts>();
                foreach (var jobId in jobIds)
                {
                    if (await MoveAsync(db, jobId, transition, set, where, now, cancellationToken) is not { } facts)
                    {
                        continue;
                    }

                    if (inTransaction is not null)
                    {
                        await inTransaction(db, facts);
                        await db.SaveChangesAsync(cancellationToken);
                    }

                    await BookAsync(db, jobId, transition.Books, cancellationToken);
                    db.PublishOnCommit(new JobEvent(facts.Id, facts.OwnerId, facts.ModelId, transition.To, now, message, facts.Visibility == JobVisibility.Team));
                    if (transition.To.IsTerminal())
                    {
                        db.AfterCommit(() => metrics.JobFinished(transition.To));
                    }

                    moved.Add(facts);
                }

                await transaction.CommitAsync(cancellationToken);
                return moved;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// Announces jobs <see cref="JobAdmission"/> is adding (Submitting, each with its hold) when its transaction commits:
    /// each job's page and its owner's gallery learn of it (the ledger announces the hold).
    /// </summary>
    public static void Admitted(AppDbContext db, IEnumerable<Job> jobs)
    {
        foreach (var job in jobs)
        {
            db.PublishOnCommit(new JobEvent(job.Id, job.OwnerId, job.ModelId, JobStatus.Submitting, job.CreatedAt, Shared: job.Visibility == JobVisibility.Team));
        }
    }

    private static async Task<JobFacts?> MoveAsync(
        AppDbContext db, Guid jobId, JobTransition transition, Action<UpdateSettersBuilder<Job>>? set, Expression<Func<Job, bool>>? where, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = transition.From;
        var query = db.Jobs.Where(j => j.Id == jobId && from.Contains(j.Status));
        if (where is not null)
        {
            query = query.Where(where);
        }

        var facts = await query.AsNoTracking()
            .Select(j => new JobFacts(j.Id, j.OwnerId, j.ModelId, j.AccountId, j.CreatedAt, j.SubmittedAt, j.Visibility, j.DurationClass))
            .SingleOrDefaultAsync(cancellationToken);
        var updated = facts is null ? 0 : await query.ExecuteUpdateAsync(s =>
        {
            s.SetProperty(j => j.Status, transition.To);
            if (transition.To.IsTerminal())
            {
                s.SetProperty(j => j.FinishedAt, now);
            }

            set?.Invoke(s);
        }, cancellationToken);
        return updated == 1 ? facts : null;
    }

    private Task BookAsync(AppDbContext db, Guid jobId, LedgerBooking booking, CancellationToken cancellationToken) => booking switch
    {
        LedgerBooking.Charge => ledger.ChargeAsync(db, jobId, cancellationToken),
        LedgerBooking.Release => ledger.ReleaseAsync(db, jobId, cancellationToken),
        LedgerBooking.Refund => ledger.RefundAsync(db, jobId, cancellationToken),
        _ => Task.CompletedTask,
    };
}

/// <summary>What a transition read of the job before changing it.</summary>
public sealed record JobFacts(Guid Id, Guid OwnerId, string ModelId, Guid? AccountId, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, JobVisibility Visibility, string DurationClass = "");
