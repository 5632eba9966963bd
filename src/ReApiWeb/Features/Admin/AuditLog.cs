using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Admin;

/// <summary>The person who did something, as the audit log names them, and the address they signed in from.</summary>
public sealed record Actor(Guid Id, string Name, string? Address = null);

/// <summary>
/// Records admins' changes. Entries are added to the caller's context, so they are saved in the same transaction as
/// the change they describe: no change without its entry, no entry for a change that was rolled back.
/// </summary>
public sealed class AuditLog(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public void Add(AppDbContext db, Actor actor, string action, string details) =>
        Add(db, actor.Id, actor.Name, actor.Address, action, details);

    /// <summary>For someone who may not be a known person (a failed sign-in).</summary>
    public void Add(AppDbContext db, Guid? actorId, string actorName, string? address, string action, string details) =>
        db.Audit.Add(new AuditEntry { At = time.GetUtcNow(), ActorId = actorId, ActorName = actorName, Action = action, Details = details, Address = address });

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(string? search, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Audit.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(a => a.Details.Contains(term) || a.Action.Contains(term) || a.ActorName.Contains(term));
        }

        return await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
    }
}
