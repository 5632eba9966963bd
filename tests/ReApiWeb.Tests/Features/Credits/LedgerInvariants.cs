using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Tests.Features.Credits;

/// <summary>What must hold of the ledger whatever happened: checked against the jobs and against reAPI's (the sandbox's) own account.</summary>
public static class LedgerInvariants
{
    /// <summary>What counts against an allowance, summed from the ledger itself: holds (and top-ups) and adjustments, less releases and refunds.</summary>
    public static Task<long> Consumed(IQueryable<LedgerEntry> entries, CancellationToken cancellationToken) =>
        entries.SumAsync(e => e.Kind == LedgerEntryKind.Hold || e.Kind == LedgerEntryKind.TopUp || e.Kind == LedgerEntryKind.Adjustment ? e.Credits
            : e.Kind == LedgerEntryKind.Charge ? 0 : -e.Credits, cancellationToken);

    /// <param name="keys">With several accounts: each account's key; every job's task must be in its own account, and each account's drop must match its own jobs.</param>
    public static async Task AssertHoldAsync(AppDbContext db, SandboxServer sandbox, long startingBalance, IReadOnlyDictionary<Guid, string>? keys = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var jobs = await db.Jobs.AsNoTracking().ToListAsync(cancellationToken);
        var replies = await db.ChatReplies.AsNoTracking().ToListAsync(cancellationToken);
        var entries = await db.Ledger.AsNoTracking().ToListAsync(cancellationToken);
        var tasks = sandbox.State.Tasks.ToDictionary(t => t.Id);
        foreach (var job in jobs)
        {
            var mine = entries.Where(e => e.JobId == job.Id).ToList();
            Assert.All(mine.GroupBy(e => e.Kind), kind => Assert.Single(kind));
            var hold = Assert.Single(mine, e => e.Kind == LedgerEntryKind.Hold);
            Assert.All(mine, e => Assert.Equal(hold.Credits, e.Credits));
            Assert.All(mine, e => Assert.Equal(job.OwnerId, e.UserId));
            var kinds = mine.Select(e => e.Kind).Order().ToArray();
            LedgerEntryKind[] expected = job.Status switch
            {
                JobStatus.Completed or JobStatus.Processing or JobStatus.Stalled => [LedgerEntryKind.Hold, LedgerEntryKind.Charge],
                JobStatus.Failed => [LedgerEntryKind.Hold, LedgerEntryKind.Charge, LedgerEntryKind.Refund],
                JobStatus.Rejected => [LedgerEntryKind.Hold, LedgerEntryKind.Release],
                _ => [LedgerEntryKind.Hold],
            };
            Assert.True(expected.SequenceEqual(kinds), $"{job.Status} job {job.Prompt}: booked {string.Join(", ", kinds)}");

            // A refund only for a task reAPI itself reported failed (and refunded).
            if (kinds.Contains(LedgerEntryKind.Refund))
            {
                var task = tasks[job.TaskId!];
                Assert.Equal(ReApiTaskStatus.Failed, task.Status);
                Assert.True(task.Refunded);
            }
        }

        // A chat reply is held once; once settled, its charge is what it used and its hold (raised by a top-up when it used
        // more) is charged or released in full, so nothing of it stays reserved.
        foreach (var reply in replies)
        {
            var mine = entries.Where(e => e.ChatReplyId == reply.Id).ToList();
            Assert.All(mine.GroupBy(e => e.Kind), kind => Assert.Single(kind));
            Assert.All(mine, e => Assert.Equal(reply.UserId, e.UserId));
            var hold = Assert.Single(mine, e => e.Kind == LedgerEntryKind.Hold);
            Assert.Equal(reply.HeldCredits, hold.Credits);
            if (reply.Status == ChatReplyStatus.Streaming)
            {
                Assert.Single(mine);
                continue;
            }

            long Of(LedgerEntryKind kind) => mine.Where(e => e.Kind == kind).Sum(e => e.Credits);
            Assert.Equal(reply.Credits ?? -1, Of(LedgerEntryKind.Charge));
            Assert.Equal(Of(LedgerEntryKind.Hold) + Of(LedgerEntryKind.TopUp), Of(LedgerEntryKind.Charge) + Of(LedgerEntryKind.Release));
        }

        // The running totals (what balances and allowances read) are the sums of the entries, person by person and for
        // the team, over all time.
        var all = await db.CreditTotals.AsNoTracking().Where(t => t.Period == CreditTotalPeriod.All).ToListAsync(cancellationToken);
        var totals = all.Where(t => t.AccountId == Guid.Empty).ToDictionary(t => t.UserId);
        foreach (var person in entries.GroupBy(e => e.UserId).Append(entries.GroupBy(_ => Guid.Empty).Single()))
        {
            long Sum(LedgerEntryKind kind) => person.Where(e => e.Kind == kind).Sum(e => e.Credits);
            var total = totals[person.Key];
            Assert.Equal(Sum(LedgerEntryKind.Hold) + Sum(LedgerEntryKind.TopUp) - Sum(LedgerEntryKind.Charge) - Sum(LedgerEntryKind.Release), total.Reserved);
            Assert.Equal(Sum(LedgerEntryKind.Charge) - Sum(LedgerEntryKind.Refund) + Sum(LedgerEntryKind.Adjustment), total.Spent);
            Assert.Equal(Sum(LedgerEntryKind.Hold) + Sum(LedgerEntryKind.TopUp) + Sum(LedgerEntryKind.Adjustment) - Sum(LedgerEntryKind.Release) - Sum(LedgerEntryKind.Refund), total.Consumed);
        }

        // A task lives in the account its job was sent on (polled, charged and refunded there).
        if (keys is not null)
        {
            Assert.All(jobs.Where(j => j.TaskId is not null), j => Assert.Equal(keys[j.AccountId!.Value], tasks[j.TaskId!].ApiKey));
        }

        // Charges and refunds are booked on their job's account, and each account's running total (what reconciliation
        // reads) is their sum.
        var accountOf = jobs.ToDictionary(j => j.Id, j => j.AccountId);
        foreach (var reply in replies)
        {
            accountOf[reply.Id] = reply.AccountId;
        }

        var charged = entries.Where(e => e.Kind is LedgerEntryKind.Charge or LedgerEntryKind.Refund).ToList();
        Assert.All(charged, e => Assert.Equal(accountOf[(e.JobId ?? e.ChatReplyId)!.Value], e.AccountId));
        foreach (var account in charged.GroupBy(e => e.AccountId ?? CreditTotal.SandboxAccount))
        {
            var total = Assert.Single(all, t => t.UserId == Guid.Empty && t.AccountId == account.Key);
            Assert.Equal(account.Sum(e => e.Kind == LedgerEntryKind.Charge ? e.Credits : -e.Credits), total.Spent);
        }

        // Once no job's fate is open, what reAPI took from each account is exactly the charges less refunds of its jobs
        // and replies; a reply whose usage was estimated (stopped, broken off) may be a few credits off, one whose
        // instance died was charged its whole hold (its upper bound).
        if (jobs.All(j => j.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Rejected) && replies.All(r => r.Status != ChatReplyStatus.Streaming))
        {
            long Booked(IEnumerable<LedgerEntry> of) => of.Where(e => e.Kind == LedgerEntryKind.Charge).Sum(e => e.Credits) - of.Where(e => e.Kind == LedgerEntryKind.Refund).Sum(e => e.Credits);
            if (keys is null)
            {
                var slack = replies.Sum(r => r.Status == ChatReplyStatus.Interrupted ? r.HeldCredits : r.UsageEstimated ? 3 : 0);
                Assert.InRange(Booked(entries), startingBalance - sandbox.State.Balance - slack, startingBalance - sandbox.State.Balance + slack);
                return;
            }

            foreach (var (account, key) in keys)
            {
                var theirs = jobs.Where(j => j.AccountId == account).Select(j => (Guid?)j.Id).Concat(replies.Where(r => r.AccountId == account).Select(r => (Guid?)r.Id)).ToHashSet();
                var slack = replies.Where(r => r.AccountId == account).Sum(r => r.Status == ChatReplyStatus.Interrupted ? r.HeldCredits : r.UsageEstimated ? 3 : 0);
                var taken = startingBalance - sandbox.State.BalanceOf(key);
                Assert.InRange(Booked(entries.Where(e => theirs.Contains(e.JobId ?? e.ChatReplyId))), taken - slack, taken + slack);
                Assert.InRange(all.SingleOrDefault(t => t.AccountId == account)?.Spent ?? 0, taken - slack, taken + slack);
            }
        }
    }
}
