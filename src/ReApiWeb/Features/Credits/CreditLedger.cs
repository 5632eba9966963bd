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
public sealed class CreditLedger(Allowances allowances, CreditTotals totals, IOptions<CreditsOptions> options, Telemetry.AppMetrics metrics, TimeProvider time)
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
        var cost = jobs.Count == 1 ? $"This job costs {total:N0} credits" : $"These {jobs.Count} jobs cost {total:N0} credits together";
        var (refusal, states) = await CheckAsync(db, first.OwnerId, first.CreatedAt, total, cost, cancellationToken);
        if (refusal is not null)
        {
            return new Admission(refusal, []);
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

        return new Admission(null, await NoticesAsync(db, first.OwnerId, first.CreatedAt, total, states, cancellationToken));
    }

    /// <summary>
    /// Holds what a chat reply can cost at most (its prompt's upper bound and its max tokens), after the same allowance
    /// checks as a job, in the caller's write transaction (which also adds <paramref name="reply"/>).
    /// </summary>
    public async Task<Admission> HoldChatAsync(AppDbContext db, ChatReply reply, string note, CancellationToken cancellationToken)
    {
        var (refusal, states) = await CheckAsync(db, reply.UserId, reply.StartedAt, reply.HeldCredits,
            $"This reply may cost up to {reply.HeldCredits:N0} credits", cancellationToken);
        if (refusal is not null)
        {
            return new Admission(refusal, []);
        }

        await BookAsync(db, ChatEntry(reply, LedgerEntryKind.Hold, reply.HeldCredits, reply.StartedAt, note), cancellationToken);
        return new Admission(null, await NoticesAsync(db, reply.UserId, reply.StartedAt, reply.HeldCredits, states, cancellationToken));
    }

    /// <summary>
    /// Settles a chat reply: the hold becomes a charge of <paramref name="credits"/> (what the reply used) and the rest is
    /// released; a reply that used more than was held first raises its hold by the difference (a top-up), so the charge
    /// is always what was used and nothing stays reserved. Returns false when it was settled already.
    /// </summary>
    public async Task<bool> SettleChatAsync(AppDbContext db, ChatReply reply, long credits, CancellationToken cancellationToken)
    {
        var hold = await db.Ledger.AsNoTracking().SingleOrDefaultAsync(e => e.ChatReplyId == reply.Id && e.Kind == LedgerEntryKind.Hold, cancellationToken);
        if (hold is null || await db.Ledger.AnyAsync(e => e.ChatReplyId == reply.Id && (e.Kind == LedgerEntryKind.Charge || e.Kind == LedgerEntryKind.Release), cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (credits > hold.Credits)
        {
            await BookAsync(db, ChatEntry(reply, LedgerEntryKind.TopUp, credits - hold.Credits, now, "The reply used more than was held."), cancellationToken);
        }

        if (credits > 0)
        {
            await BookAsync(db, ChatEntry(reply, LedgerEntryKind.Charge, credits, now, null), cancellationToken);
        }

        if (hold.Credits > credits)
        {
            await BookAsync(db, ChatEntry(reply, LedgerEntryKind.Release, hold.Credits - credits, now, null), cancellationToken);
        }

        return true;
    }

    private static LedgerEntry ChatEntry(ChatReply reply, LedgerEntryKind kind, long credits, DateTimeOffset at, string? note) => new()
    {
        UserId = reply.UserId,
        ChatReplyId = reply.Id,
        AccountId = reply.AccountId,
        Kind = kind,
        Credits = credits,
        At = at,
        PeriodAt = reply.StartedAt,
        ModelId = reply.ModelId,
        Note = note,
    };

    /// <summary>Whether <paramref name="credits"/> more fit every allowance of <paramref name="ownerId"/>: the refusal if not, and the allowances.</summary>
    private async Task<(string? Refusal, IReadOnlyList<Allowance> States)> CheckAsync(
        AppDbContext db, Guid ownerId, DateTimeOffset at, long credits, string cost, CancellationToken cancellationToken)
    {
        var states = await allowances.ForUserAsync(db, ownerId, at, cancellationToken);
        var blocking = states.Where(a => a.Used + credits > a.Limit).OrderBy(a => a.Left).FirstOrDefault();
        return blocking is null
            ? (null, states)
            : ($"{cost}, but {blocking.Name} has {blocking.Left:N0} of {blocking.Limit:N0} credits left. It resets {allowances.ResetText(blocking.ResetsAt)}.", states);
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
        db.AfterCommit(() => metrics.Ledger(entry));
    }

    /// <summary>Tells the person once per period when this job (or reply) takes an allowance past the notice share.</summary>
    private async Task<IReadOnlyList<string>> NoticesAsync(AppDbContext db, Guid ownerId, DateTimeOffset at, long credits, IReadOnlyList<Allowance> states, CancellationToken cancellationToken)
    {
        var notices = new List<string>();
        foreach (var a in states.Where(a => a.Limit > 0 && a.Used + credits >= a.Limit * options.Value.NoticeShare))
        {
            if (await db.QuotaNotices.AnyAsync(n => n.QuotaId == a.QuotaId && n.UserId == ownerId && n.PeriodStart == a.PeriodStart, cancellationToken))
            {
                continue;
            }

            var used = a.Used + credits;
            var message = $"You have used {100.0 * used / a.Limit:0}% of {a.Name} ({used:N0} of {a.Limit:N0} credits). It resets {allowances.ResetText(a.ResetsAt)}.";
            db.QuotaNotices.Add(new QuotaNotice { QuotaId = a.QuotaId, UserId = ownerId, PeriodStart = a.PeriodStart, At = at, Message = message });
            notices.Add(message);
        }

        return notices;
    }
}
