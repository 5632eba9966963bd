using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Features.Collections;

public sealed record CollectionSummary(Guid Id, string Name, Guid OwnerId, string OwnerName, CollectionRole Role, CollectionRole TeamRole, int ItemCount, Guid? CoverId, bool CoverHasThumbnail, DateTimeOffset UpdatedAt)
{
    public string Url => $"/collections/{Id}";

    public string? CoverUrl => CoverId is { } id && CoverHasThumbnail ? OutputEndpoints.ThumbnailUrl(id) : null;

    public bool CanEdit => Role >= CollectionRole.Editor;

    public bool CanManage => Role == CollectionRole.Owner;
}

public sealed record CollectionItemView(Guid OutputId, Guid JobId, OutputMediaKind Kind, int Index, string ModelId, string Prompt, bool Archived, bool HasThumbnail, string AddedBy, DateTimeOffset AddedAt)
{
    public string Url => $"/outputs/{OutputId}";

    public string? ThumbnailUrl => HasThumbnail ? OutputEndpoints.ThumbnailUrl(OutputId) : null;
}

public sealed record CollectionGroupShare(Guid GroupId, string GroupName, CollectionRole Role);

public sealed record CollectionView(CollectionSummary Summary, IReadOnlyList<CollectionItemView> Items, IReadOnlyList<CollectionGroupShare> Shares);

/// <summary>The answer to a change: done, or why not in words for the person.</summary>
public sealed record CollectionChange(bool Done, string? Error = null)
{
    public static readonly CollectionChange Ok = new(true);

    public static CollectionChange Refused(string error) => new(false, error);
}

/// <summary>
/// Named sets of outputs members put together and share with the team or with chosen groups, as viewers or editors
/// (<see cref="CollectionAccess"/> holds the rules). Creating, sharing and deleting a collection are audited.
/// </summary>
public sealed class TeamCollections(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    private const string NotYours = "Only its owner (or an admin) may change this collection's name and sharing, or delete it.";
    private const string NotEditor = "You may view this collection but not change it; ask its owner to make you an editor.";
    private const string Missing = "This collection does not exist (any more) or is not shared with you.";

    /// <summary>The collections the person may see, most recently changed first.</summary>
    public async Task<IReadOnlyList<CollectionSummary>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roles = CollectionAccess.Roles(db, user);
        return [.. (await SummariesAsync(db, db.Collections.Where(c => roles.Any(r => r.Id == c.Id)), roles, cancellationToken)).OrderByDescending(c => c.UpdatedAt)];
    }

    /// <summary>One collection with its items, newest first; null when it does not exist or the person may not see it.</summary>
    public async Task<CollectionView?> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roles = CollectionAccess.Roles(db, user);
        var summary = (await SummariesAsync(db, db.Collections.Where(c => c.Id == id && roles.Any(r => r.Id == c.Id)), roles, cancellationToken)).SingleOrDefault();
        if (summary is null)
        {
            return null;
        }

        var items = await CollectionAccess.Visible(db, db.CollectionItems.Where(i => i.CollectionId == id))
            .Join(db.JobOutputs, i => i.OutputId, o => o.Id, (i, o) => new { i, o })
            .Join(db.Jobs, x => x.o.JobId, j => j.Id, (x, j) => new { x.i, x.o, j })
            .OrderByDescending(x => x.i.AddedAt)
            .Select(x => new CollectionItemView(
                x.o.Id, x.j.Id, x.o.Kind, x.o.Index, x.j.ModelId, x.j.Prompt.Substring(0, JobReader.ListedPromptLength), x.o.StoragePath != null,
                x.o.ThumbnailPath != null && x.o.ThumbnailPath != "",
                db.Users.Where(u => u.Id == x.i.AddedById).Select(u => u.DisplayName).FirstOrDefault() ?? "", x.i.AddedAt))
            .ToListAsync(cancellationToken);
        var shares = await db.CollectionShares.AsNoTracking().Where(s => s.CollectionId == id)
            .OrderBy(s => s.Group!.Name)
            .Select(s => new CollectionGroupShare(s.GroupId, s.Group!.Name, s.Role))
            .ToListAsync(cancellationToken);
        return new CollectionView(summary, items, shares);
    }

    /// <summary>Whether a collection with this id exists at all (to say why someone cannot see it).</summary>
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Collections.AnyAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The collections the person may add outputs to, by name.</summary>
    public async Task<IReadOnlyList<CollectionSummary>> EditableAsync(CurrentUser user, CancellationToken cancellationToken) =>
        [.. (await ListAsync(user, cancellationToken)).Where(c => c.CanEdit).OrderBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase)];

    public async Task<(CollectionChange Change, Guid Id)> CreateAsync(CurrentUser user, string? name, CancellationToken cancellationToken)
    {
        if (NameError(name) is { } error)
        {
            return (CollectionChange.Refused(error), Guid.Empty);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var collection = new Collection { Name = name!.Trim(), OwnerId = user.Id, CreatedAt = now, UpdatedAt = now };
        db.Collections.Add(collection);
        audit.Add(db, user.Actor, "collection.create", $"Created the collection \"{collection.Name}\"");
        await db.SaveChangesAsync(cancellationToken);
        return (CollectionChange.Ok, collection.Id);
    }

    public Task<CollectionChange> RenameAsync(CurrentUser user, Guid id, string? name, CancellationToken cancellationToken) =>
        NameError(name) is { } error
            ? Task.FromResult(CollectionChange.Refused(error))
            : ChangeAsync(user, id, CollectionRole.Owner, (db, collection) =>
            {
                audit.Add(db, user.Actor, "collection.rename", $"Renamed the collection \"{collection.Name}\" to \"{name!.Trim()}\"");
                collection.Name = name!.Trim();
                return Task.FromResult(CollectionChange.Ok);
            }, cancellationToken);

    public Task<CollectionChange> DeleteAsync(CurrentUser user, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(user, id, CollectionRole.Owner, (db, collection) =>
        {
            audit.Add(db, user.Actor, "collection.delete", $"Deleted the collection \"{collection.Name}\"");
            db.Collections.Remove(collection);
            return Task.FromResult(CollectionChange.Ok);
        }, cancellationToken);

    /// <summary>Sets who besides the owner sees the collection: the whole team as <paramref name="teamRole"/>, and each group as its role.</summary>
    public Task<CollectionChange> ShareAsync(CurrentUser user, Guid id, CollectionRole teamRole, IReadOnlyDictionary<Guid, CollectionRole> groups, CancellationToken cancellationToken) =>
        teamRole == CollectionRole.Owner || groups.Values.Any(r => r == CollectionRole.Owner)
            ? Task.FromResult(CollectionChange.Refused("A collection has one owner; share it as viewer or editor."))
            : ChangeAsync(user, id, CollectionRole.Owner, async (db, collection) =>
            {
                var wanted = groups.Where(g => g.Value != CollectionRole.None).ToDictionary();
                var known = await db.Groups.Where(g => wanted.Keys.Contains(g.Id)).Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken);
                if (known.Count != wanted.Count)
                {
                    return CollectionChange.Refused("One of the groups no longer exists; reload the page.");
                }

                collection.TeamRole = teamRole;
                await db.CollectionShares.Where(s => s.CollectionId == id).ExecuteDeleteAsync(cancellationToken);
                db.CollectionShares.AddRange(known.Select(g => new CollectionShare { CollectionId = id, GroupId = g.Id, Role = wanted[g.Id] }));
                var described = known.Select(g => $"{g.Name} as {wanted[g.Id].ToString().ToLowerInvariant()}")
                    .Prepend(teamRole == CollectionRole.None ? "not the team" : $"the team as {teamRole.ToString().ToLowerInvariant()}");
                audit.Add(db, user.Actor, "collection.share", $"Shared the collection \"{collection.Name}\" with {string.Join(", ", described)}");
                return CollectionChange.Ok;
            }, cancellationToken);

    /// <summary>Adds an output the person can see to a collection they may edit (again: nothing changes).</summary>
    public Task<CollectionChange> AddAsync(CurrentUser user, Guid id, Guid outputId, CancellationToken cancellationToken) =>
        ChangeAsync(user, id, CollectionRole.Editor, async (db, collection) =>
        {
            if (!await CollectionAccess.CanSeeOutputAsync(db, user, outputId, cancellationToken))
            {
                return CollectionChange.Refused("That output does not exist or you cannot see it.");
            }

            if (!await db.CollectionItems.AnyAsync(i => i.CollectionId == id && i.OutputId == outputId, cancellationToken))
            {
                db.CollectionItems.Add(new CollectionItem { CollectionId = id, OutputId = outputId, AddedById = user.Id, AddedAt = time.GetUtcNow() });
            }

            return CollectionChange.Ok;
        }, cancellationToken);

    public Task<CollectionChange> RemoveAsync(CurrentUser user, Guid id, Guid outputId, CancellationToken cancellationToken) =>
        ChangeAsync(user, id, CollectionRole.Editor, async (db, collection) =>
        {
            await db.CollectionItems.Where(i => i.CollectionId == id && i.OutputId == outputId).ExecuteDeleteAsync(cancellationToken);
            if (collection.CoverOutputId == outputId)
            {
                collection.CoverOutputId = null;
            }

            return CollectionChange.Ok;
        }, cancellationToken);

    /// <summary>Makes one of the collection's outputs its cover.</summary>
    public Task<CollectionChange> SetCoverAsync(CurrentUser user, Guid id, Guid outputId, CancellationToken cancellationToken) =>
        ChangeAsync(user, id, CollectionRole.Editor, async (db, collection) =>
        {
            if (!await db.CollectionItems.AnyAsync(i => i.CollectionId == id && i.OutputId == outputId, cancellationToken))
            {
                return CollectionChange.Refused("Only an output in the collection can be its cover.");
            }

            collection.CoverOutputId = outputId;
            return CollectionChange.Ok;
        }, cancellationToken);

    /// <summary>Every group a collection can be shared with, by name.</summary>
    public async Task<IReadOnlyList<CollectionGroupShare>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new CollectionGroupShare(g.Id, g.Name, CollectionRole.None)).ToListAsync(cancellationToken);
    }

    public static string? NameError(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the collection a name."
        : name.Trim().Length > Collection.MaxNameLength ? $"A collection's name has at most {Collection.MaxNameLength} characters."
        : null;

    /// <summary>Runs a change the person's role allows, stamps the collection as changed and saves it with its audit entry.</summary>
    private async Task<CollectionChange> ChangeAsync(CurrentUser user, Guid id, CollectionRole needed, Func<AppDbContext, Collection, Task<CollectionChange>> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var role = await CollectionAccess.RoleAsync(db, user, id, cancellationToken);
        var collection = role == CollectionRole.None ? null : await db.Collections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (collection is null)
        {
            return CollectionChange.Refused(Missing);
        }

        if (role < needed)
        {
            return CollectionChange.Refused(needed == CollectionRole.Owner ? NotYours : NotEditor);
        }

        var result = await change(db, collection);
        if (result.Done)
        {
            if (db.Entry(collection).State != EntityState.Deleted)
            {
                collection.UpdatedAt = time.GetUtcNow();
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>The summaries of <paramref name="collections"/> (those the person may see): counts and covers over visible items only.</summary>
    private static async Task<List<CollectionSummary>> SummariesAsync(AppDbContext db, IQueryable<Collection> collections, IQueryable<CollectionRoleRow> roles, CancellationToken cancellationToken)
    {
        var visible = CollectionAccess.IsVisible(db);
        var rows = await collections.Select(c => new
        {
            c.Id,
            c.Name,
            c.OwnerId,
            OwnerName = c.Owner!.DisplayName,
            Role = roles.Where(r => r.Id == c.Id).Select(r => r.Role).First(),
            c.TeamRole,
            c.UpdatedAt,
            Count = db.CollectionItems.Where(i => i.CollectionId == c.Id).Where(visible).Count(),
            // The chosen cover while it is still visible, else the newest visible output.
            Chosen = db.CollectionItems.Where(i => i.CollectionId == c.Id && i.OutputId == c.CoverOutputId).Where(visible).Select(i => (Guid?)i.OutputId).FirstOrDefault(),
            Newest = db.CollectionItems.Where(i => i.CollectionId == c.Id).Where(visible).OrderByDescending(i => i.AddedAt).Select(i => (Guid?)i.OutputId).FirstOrDefault(),
        }).ToListAsync(cancellationToken);
        var covers = rows.Select(r => r.Chosen ?? r.Newest).OfType<Guid>().ToList();
        var previewed = await db.JobOutputs.Where(o => covers.Contains(o.Id) && o.ThumbnailPath != null && o.ThumbnailPath != "").Select(o => o.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new CollectionSummary(
            r.Id, r.Name, r.OwnerId, r.OwnerName, r.Role, r.TeamRole, r.Count, r.Chosen ?? r.Newest, previewed.Contains(r.Chosen ?? r.Newest ?? Guid.Empty), r.UpdatedAt))];
    }
}
