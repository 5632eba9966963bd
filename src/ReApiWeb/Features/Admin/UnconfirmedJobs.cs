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
    JobStateMachine states,
    AuditLog audit,
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

        // reAPI did create (and charge) the task: the hold becomes a charge, audited with the change.
        var attached = await states.ApplyAsync(jobId, JobTransitions.Attached, s => s
                .SetProperty(j => j.TaskId, trimmed)
                .SetProperty(j => j.SubmittedAt, j => j.SubmittedAt ?? j.CreatedAt)
                .SetProperty(j => j.ErrorMessage, (string?)null),
            inTransaction: (db, job) => audit.AddAdminChangeAsync(db, admin, "job.attach", $"Unconfirmed job {jobId} ({job.ModelId}) attached to reAPI task {trimmed}", cancellationToken),
            cancellationToken: cancellationToken);
        if (attached is null)
        {
            return false;
        }

        schedules.Add(new PollTarget(attached.Id, attached.OwnerId, trimmed, attached.ModelId, attached.SubmittedAt ?? attached.CreatedAt, attached.AccountId, attached.DurationClass));
        LogAttached(jobId, trimmed, admin.Id);
        return true;
    }

    /// <summary>Closes the job as never received by reAPI (nothing was charged). False if it is no longer Unconfirmed.</summary>
    public async Task<bool> CloseAsNotReceivedAsync(Guid jobId, Actor admin, CancellationToken cancellationToken)
    {
        const string message = "An admin checked reAPI: it never received this job, so nothing was charged.";
        var closed = await states.ApplyAsync(jobId, JobTransitions.ClosedAsNeverReceived, s => s.SetProperty(j => j.ErrorMessage, message), message,
            inTransaction: (db, job) => audit.AddAdminChangeAsync(db, admin, "job.close", $"Unconfirmed job {jobId} ({job.ModelId}) closed as never received by reAPI; its hold released", cancellationToken),
            cancellationToken: cancellationToken);
        if (closed is not null)
        {
            LogClosed(jobId, admin.Id);
        }

        return closed is not null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {AdminId} attached task {TaskId} to unconfirmed job {JobId}")]
    private partial void LogAttached(Guid jobId, string taskId, Guid adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {AdminId} closed unconfirmed job {JobId} as never received by reAPI")]
    private partial void LogClosed(Guid jobId, Guid adminId);
}
