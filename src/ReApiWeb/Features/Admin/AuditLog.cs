using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Admin;

/// <summary>The admin who made a change, as the audit log names them.</summary>
public sealed record Actor(Guid Id, string Name);

/// <summary>
/// Records admins' changes. Entries are added to the caller's context, so they are saved in the same transaction as
/// the change they describe: no change without its entry, no entry for a change that was rolled back.
/// </summary>
public sealed class AuditLog(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public void Add(AppDbContext db, Actor actor, string action, string details) =>
        db.Audit.Add(new AuditEntry { At = time.GetUtcNow(), ActorId = actor.Id, ActorName = actor.Name, Action = action, Details = details });

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
