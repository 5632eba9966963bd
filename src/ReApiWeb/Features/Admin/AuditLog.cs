using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Admin;

/// <summary>An admin action by someone who is no longer an admin (demoted or disabled since their page opened).</summary>
public sealed class AdminRightsException() : UnauthorizedAccessException("You are no longer an admin, so this change was not made. Reload the page.");

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

    /// <summary>
    /// Records an admin's change, after checking in <paramref name="db"/> that <paramref name="admin"/> is an admin
    /// right now (not disabled, still holding admin rights): a page opened before a demotion cannot act after it. Call
    /// it before saving the change; it throws <see cref="AdminRightsException"/> and nothing is saved.
    /// </summary>
    public async Task AddAdminChangeAsync(AppDbContext db, Actor admin, string action, string details, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == admin.Id && !u.IsDisabled && (u.IsAdmin || u.IsProviderAdmin), cancellationToken))
        {
            throw new AdminRightsException();
        }

        Add(db, admin, action, details);
    }

    /// <summary>For someone who may not be a known person (a failed sign-in).</summary>
    public void Add(AppDbContext db, Guid? actorId, string actorName, string? address, string action, string details) =>
        db.Audit.Add(new AuditEntry { At = time.GetUtcNow(), ActorId = actorId, ActorName = actorName, Action = action, Details = details, Address = address });

    /// <summary>The newest entries that match <paramref name="filter"/>, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(AuditFilter filter, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Query(db, filter).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>Every entry that matches <paramref name="filter"/>, newest first, as CSV.</summary>
    public async Task WriteCsvAsync(AuditFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await writer.WriteLineAsync(Csv.Line("at", "actor", "actor_id", "address", "action", "details"));
        await foreach (var entry in Query(db, filter).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(Csv.Line(entry.At, entry.ActorName, entry.ActorId, entry.Address, entry.Action, entry.Details));
        }
    }

    private static IQueryable<AuditEntry> Query(AppDbContext db, AuditFilter filter)
    {
        var query = db.Audit.AsNoTracking().Where(a => a.At >= filter.From && a.At < filter.To);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            query = query.Where(a => a.Details.Contains(term) || a.ActorName.Contains(term) || (a.Address != null && a.Address.Contains(term)));
        }

        if (!string.IsNullOrWhiteSpace(filter.Kind))
        {
            var prefix = filter.Kind.Trim() + ".";
            var exact = filter.Kind.Trim();
            query = query.Where(a => a.Action == exact || a.Action.StartsWith(prefix));
        }

        return query.OrderByDescending(a => a.Id);
    }
}

/// <summary>
/// Which audit entries to show: free text (details, actor, address), a kind of action ("signin" matches "signin" and
/// "signin.failed"), and a time range.
/// </summary>
public sealed record AuditFilter(string? Search = null, string? Kind = null, DateTimeOffset? FromAt = null, DateTimeOffset? ToAt = null)
{
    /// <summary>The kinds of action, for the filter's list.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["signin", "session", "person", "token", "group", "quota", "ledger", "price", "key", "job", "collection"];

    public DateTimeOffset From => FromAt ?? DateTimeOffset.MinValue;

    public DateTimeOffset To => ToAt ?? DateTimeOffset.MaxValue;
}
