using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Features.Collections;

/// <summary>A collection and what one person may do with it.</summary>
public sealed record CollectionRoleRow
{
    public Guid Id { get; init; }

    public CollectionRole Role { get; init; }
}

/// <summary>
/// The rules for who sees what through collections, as queries the database answers:
/// <list type="bullet">
/// <item>a collection's owner and admins manage it; the team, or a group it is shared with, views or edits it;</item>
/// <item>an output in a collection reaches its people when its job is shared with the team, or when the job's own
/// owner put it there (sharing it on purpose); never because someone else added a job its owner keeps private.</item>
/// </list>
/// </summary>
public static class CollectionAccess
{
    /// <summary>What <paramref name="user"/> may do with each collection (those they may not see are absent).</summary>
    public static IQueryable<CollectionRoleRow> Roles(AppDbContext db, CurrentUser user) =>
        RoleRows(db, user).Where(r => r.Role != CollectionRole.None);

    /// <summary>The role <paramref name="user"/> has on one collection; <see cref="CollectionRole.None"/> when they may not see it or it does not exist.</summary>
    public static async Task<CollectionRole> RoleAsync(AppDbContext db, CurrentUser user, Guid collectionId, CancellationToken cancellationToken) =>
        (await RoleRows(db, user).Where(r => r.Id == collectionId).Select(r => (CollectionRole?)r.Role).SingleOrDefaultAsync(cancellationToken)) ?? CollectionRole.None;

    /// <summary>The collections <paramref name="user"/> may at least view.</summary>
    public static IQueryable<Guid> Viewable(AppDbContext db, CurrentUser user) =>
        RoleRows(db, user).Where(r => r.Role != CollectionRole.None).Select(r => r.Id);

    /// <summary>The items of <paramref name="items"/> whose outputs a collection's people may see (the rule above).</summary>
    public static IQueryable<CollectionItem> Visible(AppDbContext db, IQueryable<CollectionItem> items) => items.Where(IsVisible(db));

    /// <summary>The rule above as a predicate, for use inside other queries' projections.</summary>
    public static Expression<Func<CollectionItem, bool>> IsVisible(AppDbContext db) =>
        i => db.JobOutputs.Any(o => o.Id == i.OutputId
            && db.Jobs.Any(j => j.Id == o.JobId && (j.Visibility == JobVisibility.Team || j.OwnerId == i.AddedById)));

    /// <summary>Whether <paramref name="user"/> may see the output <paramref name="outputId"/>; false when it does not exist.</summary>
    public static async Task<bool> CanSeeOutputAsync(AppDbContext db, CurrentUser user, Guid outputId, CancellationToken cancellationToken)
    {
        var output = await db.JobOutputs.Where(o => o.Id == outputId)
            .Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new { j.OwnerId, j.Visibility })
            .SingleOrDefaultAsync(cancellationToken);
        return output is not null && await CanSeeOutputAsync(db, user, outputId, output.OwnerId, output.Visibility, cancellationToken);
    }

    /// <summary>Whether <paramref name="user"/> may see an output: through its job (<see cref="JobSharing.CanSee"/>) or through a collection.</summary>
    public static async Task<bool> CanSeeOutputAsync(AppDbContext db, CurrentUser user, Guid outputId, Guid ownerId, JobVisibility visibility, CancellationToken cancellationToken) =>
        JobSharing.CanSee(user, ownerId, visibility)
        || await Visible(db, db.CollectionItems.Where(i => i.OutputId == outputId && Viewable(db, user).Contains(i.CollectionId))).AnyAsync(cancellationToken);

    private static IQueryable<CollectionRoleRow> RoleRows(AppDbContext db, CurrentUser user)
    {
        var me = user.Id;
        if (user.IsAdmin)
        {
            return db.Collections.Select(c => new CollectionRoleRow { Id = c.Id, Role = CollectionRole.Owner });
        }

        // Roles are stored as their names; the best of the team's role and my groups' roles wins (Editor > Viewer).
        return db.Collections.Select(c => new CollectionRoleRow
        {
            Id = c.Id,
            Role = c.OwnerId == me ? CollectionRole.Owner
            : c.TeamRole == CollectionRole.Editor || c.Shares.Any(s => s.Role == CollectionRole.Editor && db.GroupMembers.Any(m => m.GroupId == s.GroupId && m.UserId == me)) ? CollectionRole.Editor
            : c.TeamRole == CollectionRole.Viewer || c.Shares.Any(s => s.Role == CollectionRole.Viewer && db.GroupMembers.Any(m => m.GroupId == s.GroupId && m.UserId == me)) ? CollectionRole.Viewer
            : CollectionRole.None,
        });
    }
}
