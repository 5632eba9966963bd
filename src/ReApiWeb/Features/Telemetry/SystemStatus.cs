using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Telemetry;

/// <summary>One account on the System page: its budget and what uses it now, its work in hand, its last troubles.</summary>
public sealed record AccountStatus(
    string Name,
    int RequestsPerWindow,
    int WindowMilliseconds,
    AccountActivity Activity,
    int TasksInFlight,
    int QueuedSubmissions,
    int Unconfirmed);

/// <summary>The whole System page: accounts, the instance(s), storage and the recent detection delay.</summary>
public sealed record SystemSnapshot(
    IReadOnlyList<AccountStatus> Accounts,
    string ThisInstance,
    bool Leading,
    int LiveInstances,
    long? DatabaseBytes,
    long ArchiveBytes,
    double? DetectionDelayMedianSeconds,
    int FinishedLastHour,
    DateTimeOffset At);

/// <summary>
/// What the System page shows an admin, read afresh at each refresh: per account the requests of the last minute by
/// kind (this instance's, from <see cref="UpstreamActivity"/>), tasks in flight and queued submissions (the database's,
/// for every instance), the last 429 and error; the leader, database and archive size, how late finished tasks were
/// seen over the last hour. The warnings reconciliation raises are <see cref="OperationsWarnings"/>' (a banner on every admin page).
/// </summary>
public sealed class SystemStatus(
    IDbContextFactory<AppDbContext> dbFactory,
    UpstreamAccounts accounts,
    UpstreamMode mode,
    UpstreamActivity activity,
    ILeadership leadership,
    InstanceRegistry instance,
    TimeProvider time)
{
    public async Task<SystemSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var work = await ActiveJobCounts.CountAsync(db, cancellationToken);
        int Count(Guid? account, params JobStatus[] statuses) => (int)work.Where(w => w.AccountId == account && statuses.Contains(w.Status)).Sum(w => w.Count);

        var list = new List<AccountStatus>();
        foreach (var account in await accounts.ListAsync(cancellationToken))
        {
            list.Add(new AccountStatus(account.Name, account.RequestsPerSecond, account.RateWindowMilliseconds, activity.For(account.Id.ToString("N")),
                Count(account.Id, JobStatus.Processing, JobStatus.Stalled), Count(account.Id, JobStatus.Submitting), Count(account.Id, JobStatus.Unconfirmed)));
        }

        if (await mode.IsSandboxAsync(cancellationToken) || work.Any(w => w.AccountId is null))
        {
            list.Insert(0, new AccountStatus("Built-in sandbox", 10, 1050, activity.For(UpstreamClients.SandboxLabel),
                Count(null, JobStatus.Processing, JobStatus.Stalled), Count(null, JobStatus.Submitting), Count(null, JobStatus.Unconfirmed)));
        }

        // How late finished tasks were seen: half the gap between the poll that saw each running and the one that saw it done.
        var hourAgo = now.AddHours(-1);
        var gaps = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Completed && j.FinishedAt > hourAgo && j.UpstreamSeconds != null && j.UpstreamSecondsAtLeast != null)
            .OrderByDescending(j => j.FinishedAt).Take(500)
            .Select(j => j.UpstreamSeconds!.Value - j.UpstreamSecondsAtLeast!.Value).ToListAsync(cancellationToken);
        gaps.Sort();

        var archive = await db.JobOutputs.Where(o => o.StoragePath != null).SumAsync(o => o.SizeBytes ?? 0, cancellationToken);
        var live = leadership.Shared ? (await instance.LiveAsync(db, cancellationToken)).Count : 1;
        return new SystemSnapshot(list, InstanceRegistry.Name, leadership.IsLeading, live, await DatabaseBytesAsync(db, cancellationToken), archive,
            gaps.Count == 0 ? null : gaps[gaps.Count / 2], gaps.Count, now);
    }

    private static async Task<long?> DatabaseBytesAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            return File.Exists(source) ? new FileInfo(source).Length + (File.Exists(source + "-wal") ? new FileInfo(source + "-wal").Length : 0) : null;
        }

        return await db.Database.SqlQuery<long>($"SELECT pg_database_size(current_database()) AS \"Value\"").SingleAsync(cancellationToken);
    }
}
