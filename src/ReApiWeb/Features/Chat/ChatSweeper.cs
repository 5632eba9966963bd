using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Chat;

/// <summary>
/// Settles replies whose instance died mid-stream (killed, or its machine lost): alone on SQLite, every reply still
/// streaming at start was this app's before a kill; clustered, those of instances no longer live. Their usage is
/// unknown, so the hold is charged in full (it bounds what the reply could cost) and the reply says so.
/// </summary>
public sealed partial class ChatSweeper(
    IDbContextFactory<AppDbContext> dbFactory,
    WriteGate writes,
    CreditLedger ledger,
    ILeadership leadership,
    InstanceRegistry instance,
    TimeProvider time,
    ILogger<ChatSweeper> logger) : LeaderService(leadership)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public const string InterruptedMessage = "The app stopped during this reply, so its usage is unknown: the hold was charged in full.";

    protected override async Task LeadAsync(CancellationToken term)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var settled = await SweepAsync(term);
                if (settled > 0)
                {
                    LogSettled(settled);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(term));
    }

    /// <summary>Settles the orphaned replies; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var live = await instance.LiveNowAsync(db, cancellationToken);

        var orphans = await db.ChatReplies.AsNoTracking()
            .Where(r => r.Status == ChatReplyStatus.Streaming && (r.InstanceId == null || !live.Contains(r.InstanceId.Value)))
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in orphans)
        {
            using var turn = await writes.EnterAsync(cancellationToken);
            await using var work = await dbFactory.CreateDbContextAsync(cancellationToken);
            await work.InTransactionAsync(async transaction =>
            {
                var reply = await work.ChatReplies.SingleAsync(r => r.Id == id, cancellationToken);
                if (reply.Status != ChatReplyStatus.Streaming)
                {
                    return;
                }

                reply.Status = ChatReplyStatus.Interrupted;
                reply.UsageEstimated = true;
                reply.Credits = reply.HeldCredits;
                reply.Error = InterruptedMessage;
                reply.FinishedAt = time.GetUtcNow();
                await ledger.SettleChatAsync(work, reply, reply.HeldCredits, cancellationToken);
                await work.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }, cancellationToken);
        }

        return orphans.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settled {Count} chat replies whose instance stopped mid-stream (their holds charged in full)")]
    private partial void LogSettled(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling chat replies left by stopped instances failed; trying again shortly")]
    private partial void LogSweepFailed(Exception exception);
}
