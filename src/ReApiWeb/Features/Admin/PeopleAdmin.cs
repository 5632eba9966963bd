using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Admin;

/// <summary>One person as the admin's People page lists them.</summary>
public sealed record PersonAccount(
    Guid Id,
    string Name,
    string Email,
    bool FromProvider,
    bool HasPassword,
    bool IsAdmin,
    bool IsProviderAdmin,
    bool IsDisabled,
    DateTimeOffset? LastSignInAt,
    IReadOnlyList<string> Groups,
    int ActiveTokens,
    int Sessions);

/// <summary>What admins do to people: find them, give or take admin rights, disable them, sign them out everywhere.</summary>
public sealed class PeopleAdmin(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, IEventBus bus, TimeProvider time)
{
    public async Task<IReadOnlyList<PersonAccount>> ListAsync(string? search, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(u => u.Email.Contains(term) || u.DisplayName.ToLower().Contains(term));
        }

        return await query.OrderBy(u => u.DisplayName)
            .Select(u => new PersonAccount(
                u.Id,
                u.DisplayName,
                u.Email,
                u.Subject != null,
                u.PasswordHash != null,
                u.IsAdmin,
                u.IsProviderAdmin,
                u.IsDisabled,
                u.LastSignInAt,
                db.GroupMembers.Where(m => m.UserId == u.Id).Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => g.Name).OrderBy(n => n).ToList(),
                db.PersonalAccessTokens.Count(t => t.UserId == u.Id && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now)),
                db.Sessions.Count(s => s.UserId == u.Id && (s.ExpiresAt == null || s.ExpiresAt > now))))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Makes <paramref name="userId"/> an admin of the app, or not (rights from the provider's groups stay).</summary>
    public Task SetAdminAsync(Guid userId, bool admin, Actor by, CancellationToken cancellationToken) =>
        ChangeAsync(userId, by, user =>
        {
            user.IsAdmin = admin;
            return (admin ? "person.admin" : "person.member", admin ? $"{user.Email} made an admin" : $"{user.Email} is no longer an admin in the app");
        }, cancellationToken);

    /// <summary>
    /// Disables a person: their sessions end at once (open pages notice within the revalidation interval) and their
    /// tokens stop working; enabling gives both ways back.
    /// </summary>
    public Task SetDisabledAsync(Guid userId, bool disabled, Actor by, CancellationToken cancellationToken) =>
        ChangeAsync(userId, by, user =>
        {
            user.IsDisabled = disabled;
            return (disabled ? "person.disable" : "person.enable", $"{user.Email} {(disabled ? "disabled" : "enabled")}");
        }, cancellationToken, endSessions: disabled);

    /// <summary>Signs the person out of every browser.</summary>
    public Task EndSessionsAsync(Guid userId, Actor by, CancellationToken cancellationToken) =>
        ChangeAsync(userId, by, user => ("person.signout", $"{user.Email} signed out of every browser"), cancellationToken, endSessions: true);

    private async Task ChangeAsync(Guid userId, Actor by, Func<User, (string Action, string Details)> change, CancellationToken cancellationToken, bool endSessions = false)
    {
        if (userId == by.Id)
        {
            // Guards the last way in: no admin can lock themselves out by accident.
            throw new InvalidOperationException("You cannot change your own access; ask another admin.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.InTransactionAsync(async transaction =>
        {
            var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
            var (action, details) = change(user);
            await audit.AddAdminChangeAsync(db, by, action, details, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (endSessions)
            {
                await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);
        bus.Publish(new Auth.AccessChanged(userId));
    }
}
