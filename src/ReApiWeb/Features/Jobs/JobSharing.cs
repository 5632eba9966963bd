using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Sharing inside the team: a job is visible to the whole team (read-only) or private to its owner. New jobs take the
/// admin's default (the team, unless an admin changed it); the owner may change each job. The one rule for who sees a
/// job, its outputs and its files is <see cref="CanSee"/>.
/// </summary>
public sealed class JobSharing(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, IEventBus bus, TimeProvider time)
{
    public const string DefaultKey = "Jobs.DefaultVisibility";

    /// <summary>The owner and admins always; the rest of the team when the job is shared with it.</summary>
    public static bool CanSee(CurrentUser user, Guid ownerId, JobVisibility visibility) =>
        user.CanSee(ownerId) || visibility == JobVisibility.Team;

    /// <summary>The visibility new jobs get, read in the caller's context (admission reads it inside its transaction).</summary>
    public static async Task<JobVisibility> DefaultAsync(AppDbContext db, CancellationToken cancellationToken) =>
        Enum.TryParse<JobVisibility>(await db.SettingAsync(DefaultKey, cancellationToken), out var visibility) ? visibility : JobVisibility.Team;

    public async Task<JobVisibility> DefaultAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await DefaultAsync(db, cancellationToken);
    }

    public async Task SetDefaultAsync(JobVisibility visibility, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SetSettingAsync(DefaultKey, visibility.ToString(), admin.Id, time.GetUtcNow(), cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, "sharing.default", visibility == JobVisibility.Team ? "New jobs are visible to the team" : "New jobs are private", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Shares a job with the team or makes it private; only its owner (or an admin) may. False when not allowed or not found.</summary>
    public async Task<bool> SetVisibilityAsync(CurrentUser user, Guid jobId, JobVisibility visibility, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.OwnerId, j.ModelId, j.Status }).SingleOrDefaultAsync(cancellationToken);
        if (job is null || !user.CanSee(job.OwnerId))
        {
            return false;
        }

        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Visibility, visibility), cancellationToken);
        // Shared either way: the team's gallery shows the job now, or must stop showing it.
        bus.Publish(new JobEvent(jobId, job.OwnerId, job.ModelId, job.Status, time.GetUtcNow(), Shared: true));
        return true;
    }
}
