using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Admin;

namespace ReApiWeb.Features.Auth.Sso;

/// <summary>Why the provider's word was not enough to let someone in.</summary>
public enum SsoRefusal
{
    NotAllowed,
    Disabled,

    /// <summary>An account made here before SSO has the e-mail, and it may not be linked (see <see cref="SsoPeople"/>).</summary>
    AccountExists,
}

public sealed record SsoVerdict(User? User, SsoRefusal? Refusal);

/// <summary>
/// Turns what the identity provider says into a person of the app: created at the first sign-in, and at every sign-in
/// (and token refresh) brought up to date — name, e-mail, admin rights and provider groups — or refused.
/// </summary>
public sealed partial class SsoPeople(
    IDbContextFactory<AppDbContext> dbFactory,
    WriteGate writes,
    AuditLog audit,
    IEventBus bus,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<SsoPeople> logger)
{
    private OidcOptions Oidc => options.Value.Oidc;

    private string BootstrapEmail => options.Value.BootstrapAdmin.Email.Trim().ToLowerInvariant();

    /// <param name="signIn">True at sign-in (recorded in the audit log), false when a refresh re-checks the person.</param>
    public async Task<SsoVerdict> ApplyAsync(SsoIdentity identity, string? address, bool signIn, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async transaction =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Subject == identity.Subject, cancellationToken);
            var name = Truncate(identity.Name ?? identity.Email ?? identity.Subject, 200);
            string? linkRefusal = null;
            if (user is null && identity.Email is { } email
                && await db.Users.SingleOrDefaultAsync(u => u.Email == email && u.Subject == null, cancellationToken) is { } existing)
            {
                linkRefusal = WhyNotLink(identity, existing);
                user = linkRefusal is null ? existing : null;
            }

            SsoRefusal? refusal = !identity.IsAllowed(Oidc) ? SsoRefusal.NotAllowed
                : linkRefusal is not null ? SsoRefusal.AccountExists
                : user?.IsDisabled == true ? SsoRefusal.Disabled
                : null;
            if (refusal is { } reason)
            {
                audit.Add(db, user?.Id, name, address, signIn ? "signin.refused" : "session.ended", reason switch
                {
                    SsoRefusal.NotAllowed => $"{identity.Email ?? identity.Subject} is in none of the allowed groups ({string.Join(", ", Oidc.AllowedGroups)}); the provider sent: {Describe(identity.Groups)}",
                    SsoRefusal.AccountExists => $"{identity.Email} (subject {Truncate(identity.Subject, 100)}) was not linked to the existing account with that e-mail: {linkRefusal}",
                    _ => $"{identity.Email ?? identity.Subject} was disabled by an admin",
                });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogRefused(identity.Subject, reason);
                if (user is not null)
                {
                    bus.Publish(new AccessChanged(user.Id));
                }

                return new SsoVerdict(null, reason);
            }

            var now = time.GetUtcNow();
            if (user is null)
            {
                user = new User { Email = "", DisplayName = "", CreatedAt = now };
                db.Users.Add(user);
            }

            user.Subject = identity.Subject;
            user.DisplayName = Truncate(identity.Name ?? identity.Email ?? identity.Subject, 200);
            user.Email = await FreeEmailAsync(db, user, identity, cancellationToken);
            var rightsChanged = user.IsProviderAdmin != identity.IsAdmin(Oidc);
            user.IsProviderAdmin = identity.IsAdmin(Oidc);
            if (signIn)
            {
                user.LastSignInAt = now;
                audit.Add(db, new Actor(user.Id, user.DisplayName, address), "signin", $"{user.Email} signed in with SSO{(user.IsProviderAdmin ? " (admin by the provider)" : "")}");
            }

            await SyncGroupsAsync(db, user, identity.Groups, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (rightsChanged)
            {
                bus.Publish(new AccessChanged(user.Id));
            }

            return new SsoVerdict(user, null);
        }, cancellationToken);
    }

    /// <summary>Records a sign-in through the provider that failed before the person was known.</summary>
    public async Task RecordFailureAsync(string reason, string? address, CancellationToken cancellationToken)
    {
        LogFailed(reason);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        audit.Add(db, null, "(unknown)", address, "signin.failed", $"SSO sign-in failed: {(reason.Length <= 500 ? reason : reason[..500])}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Why a first SSO sign-in may not take over <paramref name="existing"/>, an account made here before SSO with the
    /// same e-mail; null when it may. Whoever controls an e-mail claim at the provider must not become that person:
    /// the bootstrap (break-glass) admin is never linked, and others only when the admin allowed linking and the
    /// provider says it verified the address.
    /// </summary>
    private string? WhyNotLink(SsoIdentity identity, User existing) =>
        existing.Email == BootstrapEmail ? "it is the bootstrap admin's account, which is never linked to a provider's account"
        : !Oidc.LinkVerifiedEmails ? "linking existing accounts is off (Auth:Oidc:LinkVerifiedEmails); an admin can rename or remove the existing account"
        : !identity.EmailVerified ? $"the provider did not assert that the e-mail is verified ({Oidc.EmailVerifiedClaim} is not true)"
        : null;

    /// <summary>The provider's e-mail when no one else has it; a stable stand-in otherwise (e-mails are unique here).</summary>
    private static async Task<string> FreeEmailAsync(AppDbContext db, User user, SsoIdentity identity, CancellationToken cancellationToken)
    {
        if (identity.Email is { Length: <= 320 } email && email.Contains('@')
            && !await db.Users.AnyAsync(u => u.Email == email && u.Id != user.Id, cancellationToken))
        {
            return email;
        }

        return user.Email is { Length: > 0 } kept ? kept : Truncate($"{identity.Subject}@sso.invalid", 320);
    }

    /// <summary>Membership of provider groups follows the token; groups made by admins keep their own members.</summary>
    private async Task SyncGroupsAsync(AppDbContext db, User user, IReadOnlySet<string> names, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = names.Where(n => n.Length <= 100).ToHashSet(StringComparer.Ordinal);
        var groups = await db.Groups.Where(g => wanted.Contains(g.Name)).ToListAsync(cancellationToken);
        foreach (var name in wanted.Except(groups.Select(g => g.Name)))
        {
            var created = new Group { Name = name, CreatedAt = now, FromProvider = true };
            db.Groups.Add(created);
            groups.Add(created);
        }

        foreach (var local in groups.Where(g => !g.FromProvider))
        {
            // A group an admin made before SSO, with the provider's name for it: from now on the provider says who is in it.
            local.FromProvider = true;
            LogAdopted(local.Name);
        }

        var current = await db.GroupMembers.Where(m => m.UserId == user.Id)
            .Join(db.Groups.Where(g => g.FromProvider), m => m.GroupId, g => g.Id, (m, g) => m)
            .ToListAsync(cancellationToken);
        var wantedIds = groups.Select(g => g.Id).ToHashSet();
        db.GroupMembers.RemoveRange(current.Where(m => !wantedIds.Contains(m.GroupId)));
        foreach (var id in wantedIds.Except(current.Select(m => m.GroupId)))
        {
            db.GroupMembers.Add(new GroupMember { GroupId = id, UserId = user.Id });
        }
    }

    private static string Describe(IReadOnlySet<string> groups) => groups.Count == 0 ? "no groups" : string.Join(", ", groups.Take(20));

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "SSO refused the person with subject {Subject}: {Reason}")]
    private partial void LogRefused(string subject, SsoRefusal reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SSO sign-in failed: {Reason}")]
    private partial void LogFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The local group {Group} is now managed by the identity provider, which sent a group of that name")]
    private partial void LogAdopted(string group);
}
