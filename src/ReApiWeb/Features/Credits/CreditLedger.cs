using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApi.Client.Pricing;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>Whether a job was admitted; if not, which limit refused it. <see cref="Notices"/> are the warnings due now.</summary>
public sealed record Admission(string? Refusal, IReadOnlyList<string> Notices)
{
    public bool Admitted => Refusal is null;

    /// <summary>Refused because no reAPI account can take the person's jobs now (not an allowance).</summary>
    public bool NoAccount { get; init; }
}

/// <summary>
/// Books the credit ledger. Every method works on the caller's context inside the caller's transaction, so a job's
/// state change and its ledger line commit together; the unique index on (job, kind) makes a second hold, charge,
/// release or refund of one job impossible, whatever runs concurrently.
/// </summary>
public sealed class CreditLedger(Allowances allowances, CreditTotals totals, IOptions<CreditsOptions> options, TimeProvider time)
{
    /// <summary>
    /// Checks every allowance that applies to the jobs' owner and, if all of them together fit every allowance, adds a
    /// hold for each; otherwise adds none. The caller must run this inside a write transaction (SQLite: BEGIN
    /// IMMEDIATE) that also adds the jobs, so that concurrent admissions are serialised and none can slip past a limit.
    /// </summary>
    public async Task<Admission> HoldAsync(AppDbContext db, IReadOnlyList<(Job Job, PriceQuote Quote)> jobs, CancellationToken cancellationToken)
    {
        var first = jobs[0].Job;
        var total = jobs.Sum(j => j.Quote.Credits);
        var states = await allowances.ForUserAsync(db, first.OwnerId, first.CreatedAt, cancellationToken);
        var blocking = states.Where(a => a.Used + total > a.Limit).OrderBy(a => a.Left).FirstOrDefault();
        if (blocking is not null)
        {
            var cost = jobs.Count == 1 ? $"This job costs {total:N0} credits" : $"These {jobs.Count} jobs cost {total:N0} credits together";
            return new Admission(
                $"{cost}, but {blocking.Name} has {blocking.Left:N0} of {blocking.Limit:N0} credits left. It resets {allowances.ResetText(blocking.ResetsAt)}.",
                []);
        }

        foreach (var (job, quote) in jobs)
        {
            await BookAsync(db, new LedgerEntry
            {
                UserId = job.OwnerId,
                JobId = job.Id,
                AccountId = job.AccountId,
                Kind = LedgerEntryKind.Hold,
                Credits = quote.Credits,
                At = job.CreatedAt,
                PeriodAt = job.CreatedAt,
                ModelId = job.ModelId,
                Note = quote.Explanation,
            }, cancellationToken);
        }

        return new Admission(null, await NoticesAsync(db, first, total, states, cancellationToken));
    }

    /// <summary>reAPI accepted the task: the hold becomes a charge of the same amount.</summary>
    public Task<bool> ChargeAsync(AppDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        FollowAsync(db, jobId, LedgerEntryKind.Hold, LedgerEntryKind.Charge, cancellationToken);

    /// <summary>reAPI refused the POST, or an admin found it never arrived: the hold is given back.</summary>
    public Task<bool> ReleaseAsync(AppDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        FollowAsync(db, jobId, LedgerEntryKind.Hold, LedgerEntryKind.Release, cancellationToken);

    /// <summary>reAPI reported the task failed (and refunded it): the charge is given back, lowering "spent".</summary>
    public Task<bool> RefundAsync(AppDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        FollowAsync(db, jobId, LedgerEntryKind.Charge, LedgerEntryKind.Refund, cancellationToken);

    private async Task<bool> FollowAsync(AppDbContext db, Guid jobId, LedgerEntryKind from, LedgerEntryKind kind, CancellationToken cancellationToken)
    {
        var source = await db.Ledger.AsNoTracking().SingleOrDefaultAsync(e => e.JobId == jobId && e.Kind == from, cancellationToken);
        if (source is null)
        {
            // A job from before the ledger existed, or (for a refund) one that was never charged.
            return false;
        }

        await BookAsync(db, new LedgerEntry
        {
            UserId = source.UserId,
            JobId = jobId,
            AccountId = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.AccountId).SingleAsync(cancellationToken),
            Kind = kind,
            Credits = source.Credits,
            At = time.GetUtcNow(),
            PeriodAt = source.PeriodAt,
            ModelId = source.ModelId,
        }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>An admin's correction: positive credits add spending, negative give credits back.</summary>
    public Task AdjustAsync(AppDbContext db, Guid userId, long credits, string note, Guid adminId, DateTimeOffset at, CancellationToken cancellationToken) =>
        BookAsync(db, new LedgerEntry { UserId = userId, Kind = LedgerEntryKind.Adjustment, Credits = credits, At = at, PeriodAt = at, Note = note, ActorId = adminId }, cancellationToken);

    /// <summary>
    /// Adds an entry and moves its running totals, both on the caller's context and in its transaction; once that
    /// commits, the person's open pages learn that their credits moved.
    /// </summary>
    private async Task BookAsync(AppDbContext db, LedgerEntry entry, CancellationToken cancellationToken)
    {
        db.Ledger.Add(entry);
        await totals.AddAsync(db, entry, cancellationToken);
        db.PublishOnCommit(new CreditsMoved(entry.UserId));
    }

    /// <summary>Tells the person once per period when this job takes an allowance past the notice share.</summary>
    private async Task<IReadOnlyList<string>> NoticesAsync(AppDbContext db, Job job, long credits, IReadOnlyList<Allowance> states, CancellationToken cancellationToken)
    {
        var notices = new List<string>();
        foreach (var a in states.Where(a => a.Limit > 0 && a.Used + credits >= a.Limit * options.Value.NoticeShare))
        {
            if (await db.QuotaNotices.AnyAsync(n => n.QuotaId == a.QuotaId && n.UserId == job.OwnerId && n.PeriodStart == a.PeriodStart, cancellationToken))
            {
                continue;
            }

            var used = a.Used + credits;
            var message = $"You have used {100.0 * used / a.Limit:0}% of {a.Name} ({used:N0} of {a.Limit:N0} credits). It resets {allowances.ResetText(a.ResetsAt)}.";
            db.QuotaNotices.Add(new QuotaNotice { QuotaId = a.QuotaId, UserId = job.OwnerId, PeriodStart = a.PeriodStart, At = job.CreatedAt, Message = message });
            notices.Add(message);
        }

        return notices;
    }
}
