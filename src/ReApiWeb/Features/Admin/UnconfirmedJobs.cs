using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Jobs.Scheduling;

namespace ReApiWeb.Features.Admin;

public sealed record UnconfirmedJob(Guid Id, string OwnerName, string ModelId, string Prompt, DateTimeOffset CreatedAt, string? Reason);

/// <summary>
/// Jobs whose POST may or may not have reached reAPI. The app never re-sends them (every POST is charged); an admin
/// who checked reAPI's side either attaches the task id it created, or closes the job as never received.
/// </summary>
public sealed partial class UnconfirmedJobs(
    IDbContextFactory<AppDbContext> dbFactory,
    PollSchedules schedules,
    CreditLedger ledger,
    CreditEvents creditEvents,
    IJobNotifier notifier,
    AuditLog audit,
    TimeProvider time,
    ILogger<UnconfirmedJobs> logger)
{
    public async Task<IReadOnlyList<UnconfirmedJob>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Unconfirmed)
            .OrderBy(j => j.CreatedAt)
            .Select(j => new UnconfirmedJob(j.Id, j.Owner!.DisplayName, j.ModelId, j.Prompt, j.CreatedAt, j.ErrorMessage))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Attaches the task reAPI created; the job is then followed like any other. False if it is no longer Unconfirmed.</summary>
    public async Task<bool> AttachTaskAsync(Guid jobId, string taskId, Actor admin, CancellationToken cancellationToken)
    {
        var trimmed = taskId.Trim();
        if (!ReApiResponseParser.TaskIdPattern().IsMatch(trimmed))
        {
            throw new ArgumentException("That is not a reAPI task id (letters, digits, '.', '_' or '-', 8 to 128 characters).", nameof(taskId));
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.Status == JobStatus.Unconfirmed, cancellationToken);
        if (job is null || await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Unconfirmed).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Processing)
                .SetProperty(j => j.TaskId, trimmed)
                .SetProperty(j => j.SubmittedAt, j => j.SubmittedAt ?? j.CreatedAt)
                .SetProperty(j => j.ErrorMessage, (string?)null), cancellationToken) != 1)
        {
            return false;
        }

        await audit.AddAdminChangeAsync(db, admin, "job.attach", $"Unconfirmed job {jobId} ({job.ModelId}) attached to reAPI task {trimmed}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        // reAPI did create (and charge) the task: the hold becomes a charge.
        await ledger.ChargeAsync(db, jobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        creditEvents.Notify(job.OwnerId);
        schedules.Add(new PollTarget(job.Id, job.OwnerId, trimmed, job.ModelId, job.SubmittedAt ?? job.CreatedAt, job.AccountId));
        LogAttached(jobId, trimmed, admin.Id);
        await notifier.PublishAsync(new JobEvent(job.Id, job.OwnerId, job.ModelId, JobStatus.Processing, now));
        return true;
    }

    /// <summary>Closes the job as never received by reAPI (nothing was charged). False if it is no longer Unconfirmed.</summary>
    public async Task<bool> CloseAsNotReceivedAsync(Guid jobId, Actor admin, CancellationToken cancellationToken)
    {
        const string message = "An admin checked reAPI: it never received this job, so nothing was charged.";
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.Status == JobStatus.Unconfirmed, cancellationToken);
        if (job is null || await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Unconfirmed).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Rejected)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.ErrorMessage, message), cancellationToken) != 1)
        {
            return false;
        }

        await audit.AddAdminChangeAsync(db, admin, "job.close", $"Unconfirmed job {jobId} ({job.ModelId}) closed as never received by reAPI; its hold released", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await ledger.ReleaseAsync(db, jobId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        creditEvents.Notify(job.OwnerId);
        LogClosed(jobId, admin.Id);
        await notifier.PublishAsync(new JobEvent(job.Id, job.OwnerId, job.ModelId, JobStatus.Rejected, now, message));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {AdminId} attached task {TaskId} to unconfirmed job {JobId}")]
    private partial void LogAttached(Guid jobId, string taskId, Guid adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {AdminId} closed unconfirmed job {JobId} as never received by reAPI")]
    private partial void LogClosed(Guid jobId, Guid adminId);
}
