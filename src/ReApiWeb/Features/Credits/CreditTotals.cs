using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>
/// Running totals of the ledger per person, for the team and per reAPI account, per allowance period and for all time
/// (<see cref="CreditTotal"/>). <see cref="AddAsync"/> applies an entry on the caller's context, inside the caller's
/// transaction, so an entry and its totals commit together; reads then cost one row whatever the ledger's size. The
/// ledger stays the truth: <see cref="VerifyAsync"/> recomputes the totals from it and <see cref="RebuildAsync"/>
/// replaces them (at start when the time zone the periods are cut in changed, or when they were never built).
/// </summary>
public sealed partial class CreditTotals(IDbContextFactory<AppDbContext> dbFactory, IOptions<CreditsOptions> options, WriteGate writes, ILogger<CreditTotals> logger)
{
    private readonly TimeZoneInfo _zone = options.Value.Zone;

    /// <summary>The time zone the stored periods were cut in; a different one means the totals are rebuilt.</summary>
    public const string ZoneSetting = "Credits.Totals.Zone";

    private static readonly DateTimeOffset AllTime = DateTimeOffset.UnixEpoch;

    /// <summary>Adds <paramref name="entry"/> (already added to <paramref name="db"/>) to its person's, the team's and its account's totals.</summary>
    public async Task AddAsync(AppDbContext db, LedgerEntry entry, CancellationToken cancellationToken)
    {
        var upsert = db.Database.IsNpgsql();
        foreach (var (key, (consumed, reserved, spent)) in Rows(entry))
        {
            if (upsert)
            {
                // Another instance may add the period's first row at the same moment: one atomic upsert.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "CreditTotals" ("UserId", "AccountId", "Period", "PeriodStart", "Consumed", "Reserved", "Spent")
                    VALUES ({key.UserId}, {key.AccountId}, {(int)key.Period}, {key.Start.ToUniversalTime()}, {consumed}, {reserved}, {spent})
                    ON CONFLICT ("UserId", "AccountId", "Period", "PeriodStart") DO UPDATE SET
                        "Consumed" = "CreditTotals"."Consumed" + EXCLUDED."Consumed",
                        "Reserved" = "CreditTotals"."Reserved" + EXCLUDED."Reserved",
                        "Spent" = "CreditTotals"."Spent" + EXCLUDED."Spent"
                    """, cancellationToken);
                continue;
            }

            if (db.CreditTotals.Local.FirstOrDefault(t => t.UserId == key.UserId && t.AccountId == key.AccountId && t.Period == key.Period && t.PeriodStart == key.Start) is { } pending)
            {
                // Made earlier in this same transaction (a batch's holds): not in the database yet.
                pending.Consumed += consumed;
                pending.Reserved += reserved;
                pending.Spent += spent;
                continue;
            }

            // An atomic increment of the stored row; the first entry of a period adds the row.
            var updated = await db.CreditTotals.Where(t => t.UserId == key.UserId && t.AccountId == key.AccountId && t.Period == key.Period && t.PeriodStart == key.Start)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Consumed, t => t.Consumed + consumed)
                    .SetProperty(t => t.Reserved, t => t.Reserved + reserved)
                    .SetProperty(t => t.Spent, t => t.Spent + spent), cancellationToken);
            if (updated == 0)
            {
                db.CreditTotals.Add(key.NewTotal(consumed, reserved, spent));
            }
        }
    }

    /// <summary>The totals of <paramref name="userId"/> (or the team: empty) for the period of <paramref name="period"/> that contains <paramref name="now"/>.</summary>
    public Task<CreditTotal> ForAsync(AppDbContext db, Guid userId, CreditTotalPeriod period, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(db, new TotalKey(userId, Guid.Empty, period, Start(period, now)), cancellationToken);

    /// <summary>What the ledger booked on a reAPI account (null: the sandbox) in the period containing <paramref name="now"/>: <see cref="CreditTotal.Spent"/> is its charges less refunds.</summary>
    public Task<CreditTotal> ForAccountAsync(AppDbContext db, Guid? accountId, CreditTotalPeriod period, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(db, new TotalKey(Guid.Empty, accountId ?? CreditTotal.SandboxAccount, period, Start(period, now)), cancellationToken);

    private static async Task<CreditTotal> ReadAsync(AppDbContext db, TotalKey key, CancellationToken cancellationToken) =>
        await db.CreditTotals.AsNoTracking()
            .SingleOrDefaultAsync(t => t.UserId == key.UserId && t.AccountId == key.AccountId && t.Period == key.Period && t.PeriodStart == key.Start, cancellationToken)
        ?? key.NewTotal(0, 0, 0);

    /// <summary>What a group's current members consumed in the period containing <paramref name="now"/> (including before they joined).</summary>
    public Task<long> GroupConsumedAsync(AppDbContext db, Guid groupId, CreditTotalPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var start = Start(period, now);
        return db.CreditTotals.Where(t => t.Period == period && t.PeriodStart == start && t.UserId != Guid.Empty
                && db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == t.UserId))
            .SumAsync(t => t.Consumed, cancellationToken);
    }

    public static CreditTotalPeriod PeriodOf(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Day => CreditTotalPeriod.Day,
        QuotaPeriod.Week => CreditTotalPeriod.Week,
        _ => CreditTotalPeriod.Month,
    };

    /// <summary>Differences between the stored totals and the totals recomputed from the ledger (none when they agree).</summary>
    public async Task<IReadOnlyList<string>> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Both tables as of one moment: read one after the other while entries are booked, the totals could hold an
        // entry the ledger read just before did not (CI caught it on a restored app resuming its jobs).
        var (expected, stored) = await db.InSnapshotAsync(async () => (
            await ComputeAsync(db, cancellationToken),
            await db.CreditTotals.AsNoTracking().ToDictionaryAsync(t => new TotalKey(t.UserId, t.AccountId, t.Period, t.PeriodStart), cancellationToken)), cancellationToken);
        var differences = new List<string>();
        foreach (var key in expected.Keys.Union(stored.Keys))
        {
            var want = expected.GetValueOrDefault(key) ?? new CreditTotal();
            var have = stored.GetValueOrDefault(key) ?? new CreditTotal();
            if ((want.Consumed, want.Reserved, want.Spent) != (have.Consumed, have.Reserved, have.Spent))
            {
                var whose = key.AccountId == Guid.Empty ? $"person {key.UserId}" : $"account {key.AccountId}";
                differences.Add($"{whose} {key.Period} {key.Start:u}: ledger {want.Consumed}/{want.Reserved}/{want.Spent}, totals {have.Consumed}/{have.Reserved}/{have.Spent} (consumed/reserved/spent)");
            }
        }

        return differences;
    }

    /// <summary>
    /// Rebuilds the totals from the ledger when they were never built or were cut in another time zone; logs what
    /// <see cref="VerifyAsync"/> would have found otherwise. Runs at start, before jobs are admitted.
    /// </summary>
    public async Task RebuildIfNeededAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var zone = await db.Settings.AsNoTracking().Where(s => s.Key == ZoneSetting).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken);
        if (zone != _zone.Id)
        {
            await RebuildAsync(cancellationToken);
        }
    }

    /// <summary>Replaces every total with the sums of the ledger, in one transaction.</summary>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InTransactionAsync(async transaction =>
        {
            var totals = await ComputeAsync(db, cancellationToken);
            await db.CreditTotals.ExecuteDeleteAsync(cancellationToken);
            db.CreditTotals.AddRange(totals.Values);
            var setting = await db.Settings.FindAsync([ZoneSetting], cancellationToken);
            if (setting is null)
            {
                db.Settings.Add(new AppSetting { Key = ZoneSetting, Value = _zone.Id, UpdatedAt = DateTimeOffset.UtcNow });
            }
            else
            {
                setting.Value = _zone.Id;
                setting.UpdatedAt = DateTimeOffset.UtcNow;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return totals.Count;
        }, cancellationToken);
        LogRebuilt(rows, _zone.Id);
    }

    private async Task<Dictionary<TotalKey, CreditTotal>> ComputeAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<TotalKey, CreditTotal>();
        await foreach (var entry in db.Ledger.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            foreach (var (key, (consumed, reserved, spent)) in Rows(entry))
            {
                if (!totals.TryGetValue(key, out var total))
                {
                    totals[key] = total = key.NewTotal(0, 0, 0);
                }

                total.Consumed += consumed;
                total.Reserved += reserved;
                total.Spent += spent;
            }
        }

        return totals;
    }

    /// <summary>How an entry moves the three totals.</summary>
    private static (long Consumed, long Reserved, long Spent) Delta(LedgerEntryKind kind, long credits) => kind switch
    {
        LedgerEntryKind.Hold or LedgerEntryKind.TopUp => (credits, credits, 0),
        LedgerEntryKind.Charge => (0, -credits, credits),
        LedgerEntryKind.Release => (-credits, -credits, 0),
        LedgerEntryKind.Refund => (-credits, 0, -credits),
        _ => (credits, 0, credits), // an adjustment
    };

    /// <summary>
    /// The rows an entry counts in, and by how much: its person's and the team's, for each period containing its period
    /// instant and for all time; a charge or refund also in its account's, by when it was booked (when reAPI took or
    /// gave back the credits).
    /// </summary>
    private IEnumerable<(TotalKey Key, (long Consumed, long Reserved, long Spent) Delta)> Rows(LedgerEntry entry)
    {
        var delta = Delta(entry.Kind, entry.Credits);
        foreach (var period in Periods)
        {
            var start = Start(period, entry.PeriodAt);
            yield return (new TotalKey(entry.UserId, Guid.Empty, period, start), delta);
            yield return (new TotalKey(Guid.Empty, Guid.Empty, period, start), delta);
            if ((entry.JobId ?? entry.ChatReplyId) is not null && entry.Kind is LedgerEntryKind.Charge or LedgerEntryKind.Refund)
            {
                yield return (new TotalKey(Guid.Empty, entry.AccountId ?? CreditTotal.SandboxAccount, period, Start(period, entry.At)), (0, 0, delta.Spent));
            }
        }
    }

    private static readonly CreditTotalPeriod[] Periods = [CreditTotalPeriod.Day, CreditTotalPeriod.Week, CreditTotalPeriod.Month, CreditTotalPeriod.All];

    private readonly record struct TotalKey(Guid UserId, Guid AccountId, CreditTotalPeriod Period, DateTimeOffset Start)
    {
        public CreditTotal NewTotal(long consumed, long reserved, long spent) =>
            new() { UserId = UserId, AccountId = AccountId, Period = Period, PeriodStart = Start, Consumed = consumed, Reserved = reserved, Spent = spent };
    }

    private DateTimeOffset Start(CreditTotalPeriod period, DateTimeOffset at) => period switch
    {
        CreditTotalPeriod.Day => CreditPeriods.Start(QuotaPeriod.Day, at, _zone),
        CreditTotalPeriod.Week => CreditPeriods.Start(QuotaPeriod.Week, at, _zone),
        CreditTotalPeriod.Month => CreditPeriods.Start(QuotaPeriod.Month, at, _zone),
        _ => AllTime,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Credit totals rebuilt from the ledger: {Count} rows, periods cut in {Zone}")]
    private partial void LogRebuilt(int count, string zone);
}
