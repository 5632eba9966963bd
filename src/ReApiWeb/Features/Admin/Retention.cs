using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Cluster;

namespace ReApiWeb.Features.Admin;

/// <summary>
/// How long the app keeps what grows without end ("Retention" section). Each is off (kept for ever) unless set.
/// Uploads have their own setting (<c>Media:UploadRetention</c>, 7 days).
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Audit entries older than this many days are deleted.</summary>
    public int? AuditDays { get; set; }

    /// <summary>
    /// Archived files of outputs older than this many days are deleted; the job, its ledger lines and its preview stay,
    /// and its page says the file was removed (with reAPI's link, which may have expired).
    /// </summary>
    public int? ArchivedOutputDays { get; set; }

    /// <summary>Sign-in sessions that ended (expired) more than this many days ago are deleted.</summary>
    public int? ExpiredSessionDays { get; set; }
}

/// <summary>Applies <see cref="RetentionOptions"/> every hour on the leading instance; what it removes is logged.</summary>
public sealed partial class Retention(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptions<RetentionOptions> options,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILeadership leadership,
    ILogger<Retention> logger) : LeaderService(leadership)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task LeadAsync(CancellationToken term)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var (audit, outputs, sessions) = await ApplyAsync(term);
                if (audit + outputs + sessions > 0)
                {
                    LogApplied(audit, outputs, sessions);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(term));
    }

    /// <summary>Removes what is past its retention now; returns how many audit entries, output files and sessions.</summary>
    public async Task<(int Audit, int Outputs, int Sessions)> ApplyAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var audit = 0;
        if (settings.AuditDays is { } auditDays)
        {
            var before = now.AddDays(-auditDays);
            audit = await db.Audit.Where(e => e.At < before).ExecuteDeleteAsync(cancellationToken);
        }

        var sessions = 0;
        if (settings.ExpiredSessionDays is { } sessionDays)
        {
            var before = now.AddDays(-sessionDays);
            sessions = await db.Sessions.Where(s => s.ExpiresAt != null && s.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
        }

        var outputs = 0;
        if (settings.ArchivedOutputDays is { } outputDays)
        {
            var before = now.AddDays(-outputDays);
            var folder = storage.Value.ResolvedOutputsDirectory;
            while (true)
            {
                var old = await db.JobOutputs.Where(o => o.StoragePath != null && o.ArchivedAt < before).OrderBy(o => o.ArchivedAt).Take(200).ToListAsync(cancellationToken);
                if (old.Count == 0)
                {
                    break;
                }

                foreach (var output in old)
                {
                    Jobs.OutputArchiver.Evict(output, folder, now, $"after {outputDays} days (Retention:ArchivedOutputDays)");
                }

                await db.SaveChangesAsync(cancellationToken);
                outputs += old.Count;
            }
        }

        return (audit, outputs, sessions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Audit} audit entries, {Outputs} archived output files and {Sessions} expired sessions")]
    private partial void LogApplied(int audit, int outputs, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying the retention settings failed; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
