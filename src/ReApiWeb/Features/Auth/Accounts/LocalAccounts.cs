using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Admin;

namespace ReApiWeb.Features.Auth.Accounts;

/// <summary>What a valid link is for, as its page shows it.</summary>
public sealed record AccountLinkView(AccountLinkKind Kind, string Email, string Name);

/// <summary>Why a link or a password was not accepted; the pages turn each into a sentence.</summary>
public enum AccountProblem
{
    LinkInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordsDiffer,
    NameInvalid,
    WrongCurrentPassword,
}

/// <summary>
/// People with a password, without an identity provider: an admin invites a person by e-mail and hands them a
/// one-time, expiring link, where they choose their name and password; an admin can reset a password the same way;
/// everyone can change their own. Every step is audited; a reset or a change signs the person out everywhere else.
/// </summary>
public sealed partial class LocalAccounts(
    IDbContextFactory<AppDbContext> dbFactory,
    IPasswordHasher<User> hasher,
    AuditLog audit,
    IEventBus bus,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<LocalAccounts> logger)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;
    public const int MaxNameLength = 200;
    public const string InvitePath = "/account/invite/";
    public const string ResetPath = "/account/reset/";

    /// <summary>
    /// Makes the person (no password yet) and an invitation link; returns the link's path. Inviting again someone who
    /// has not accepted yet replaces their earlier link.
    /// </summary>
    public async Task<string> InviteAsync(string email, string? name, Actor admin, CancellationToken cancellationToken)
    {
        var address = NormalizeEmail(email) ?? throw new ArgumentException("Enter the person's e-mail address.", nameof(email));
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async transaction =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Email == address, cancellationToken);
            if (user is { PasswordHash: not null } or { Subject: not null })
            {
                throw new InvalidOperationException($"{address} already has an account{(user.Subject is null ? "; reset their password instead" : " (they sign in with SSO)")}.");
            }

            if (user is null)
            {
                user = new User { Email = address, DisplayName = CleanName(name) ?? address.Split('@')[0], CreatedAt = now };
                db.Users.Add(user);
            }

            var secret = await NewLinkAsync(db, user.Id, AccountLinkKind.Invite, options.Value.InviteLifetime, admin, cancellationToken);
            await audit.AddAdminChangeAsync(db, admin, "person.invite", $"{address} invited (the link works once, until {(now + options.Value.InviteLifetime):yyyy-MM-dd HH:mm} UTC)", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return InvitePath + secret;
        }, cancellationToken);
    }

    /// <summary>Makes a password reset link for a person who signs in with a password; returns its path.</summary>
    public async Task<string> ResetAsync(Guid userId, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async transaction =>
        {
            var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
            if (user.Subject is not null && user.PasswordHash is null)
            {
                throw new InvalidOperationException($"{user.Email} signs in with SSO and has no password here.");
            }

            var secret = await NewLinkAsync(db, user.Id, AccountLinkKind.PasswordReset, options.Value.PasswordResetLifetime, admin, cancellationToken);
            await audit.AddAdminChangeAsync(db, admin, "person.reset", $"Password reset link made for {user.Email} (it works once, until {(time.GetUtcNow() + options.Value.PasswordResetLifetime):yyyy-MM-dd HH:mm} UTC)", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ResetPath + secret;
        }, cancellationToken);
    }

    /// <summary>The link's purpose and person while it can still be used; null when it is unknown, used, expired or its person disabled.</summary>
    public async Task<AccountLinkView?> DescribeAsync(string secret, AccountLinkKind kind, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AccountLinks.AsNoTracking()
            .Where(l => l.SecretHash == hash && l.Kind == kind && l.UsedAt == null && l.ExpiresAt > now && !l.User!.IsDisabled)
            .Select(l => new AccountLinkView(l.Kind, l.User!.Email, l.User.DisplayName))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Uses a link once: sets the password (and, for an invitation, the name). A reset ends the person's other
    /// sessions. Returns the person to sign in, or why not.
    /// </summary>
    public async Task<(User? User, AccountProblem? Problem)> RedeemAsync(
        string secret, AccountLinkKind kind, string? name, string? password, string? confirm, string? address, CancellationToken cancellationToken)
    {
        var displayName = kind == AccountLinkKind.Invite ? CleanName(name) : null;
        if (CheckPassword(password, confirm) is { } passwordProblem)
        {
            return (null, passwordProblem);
        }

        if (kind == AccountLinkKind.Invite && displayName is null)
        {
            return (null, AccountProblem.NameInvalid);
        }

        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync<(User? User, AccountProblem? Problem)>(async transaction =>
        {

            // Used once: only the request that marks it used goes on.
            var link = await db.AccountLinks.Include(l => l.User)
                .SingleOrDefaultAsync(l => l.SecretHash == hash && l.Kind == kind && l.UsedAt == null && l.ExpiresAt > now, cancellationToken);
            if (link?.User is not { IsDisabled: false } user
                || await db.AccountLinks.Where(l => l.Id == link.Id && l.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), cancellationToken) != 1)
            {
                return (null, AccountProblem.LinkInvalid);
            }

            user.PasswordHash = hasher.HashPassword(user, password!);
            user.FailedSignIns = 0;
            user.LockedUntil = null;
            user.LastSignInAt = now;
            if (displayName is not null)
            {
                user.DisplayName = displayName;
            }

            audit.Add(db, new Actor(user.Id, user.DisplayName, address), kind == AccountLinkKind.Invite ? "person.joined" : "person.password",
                kind == AccountLinkKind.Invite ? $"{user.Email} accepted the invitation and chose a password" : $"{user.Email} chose a new password with a reset link");
            await db.SaveChangesAsync(cancellationToken);
            if (kind == AccountLinkKind.PasswordReset)
            {
                await db.Sessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            bus.Publish(new AccessChanged(user.Id));
            LogRedeemed(user.Id, kind);
            return (user, null);
        }, cancellationToken);
    }

    /// <summary>Changes a person's own password after checking the current one; their other sessions end.</summary>
    public async Task<AccountProblem?> ChangePasswordAsync(
        Guid userId, Guid? keepSession, string? current, string? password, string? confirm, string? address, CancellationToken cancellationToken)
    {
        if (CheckPassword(password, confirm) is { } problem)
        {
            return problem;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.PasswordHash is null || string.IsNullOrEmpty(current)
            || hasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            return AccountProblem.WrongCurrentPassword;
        }

        user.PasswordHash = hasher.HashPassword(user, password!);
        audit.Add(db, new Actor(user.Id, user.DisplayName, address), "person.password", $"{user.Email} changed their password");
        await db.SaveChangesAsync(cancellationToken);
        await db.Sessions.Where(s => s.UserId == userId && s.Id != keepSession).ExecuteDeleteAsync(cancellationToken);
        bus.Publish(new AccessChanged(userId));
        return null;
    }

    public static AccountProblem? CheckPassword(string? password, string? confirm) =>
        string.IsNullOrEmpty(password) || password.Length < MinPasswordLength ? AccountProblem.PasswordTooShort
        : password.Length > MaxPasswordLength ? AccountProblem.PasswordTooLong
        : password != confirm ? AccountProblem.PasswordsDiffer
        : null;

    public static string Describe(AccountProblem problem) => problem switch
    {
        AccountProblem.LinkInvalid => "This link was already used, has expired, or its account is disabled. Ask an admin for a new one.",
        AccountProblem.PasswordTooShort => $"Choose a password of at least {MinPasswordLength} characters.",
        AccountProblem.PasswordTooLong => $"Choose a password of at most {MaxPasswordLength} characters.",
        AccountProblem.PasswordsDiffer => "The two passwords are not the same.",
        AccountProblem.NameInvalid => $"Enter your name (1 to {MaxNameLength} characters).",
        _ => "Your current password is not right.",
    };

    private async Task<string> NewLinkAsync(AppDbContext db, Guid userId, AccountLinkKind kind, TimeSpan lifetime, Actor admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // A newer link replaces the person's earlier unused ones of the same kind.
        await db.AccountLinks.Where(l => l.UserId == userId && l.Kind == kind && l.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), cancellationToken);
        var secret = Secrets.New();
        db.AccountLinks.Add(new AccountLink { Kind = kind, UserId = userId, SecretHash = Secrets.Hash(secret), CreatedAt = now, ExpiresAt = now + lifetime, CreatedBy = admin.Id });
        return secret;
    }

    private static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant();
        return trimmed is { Length: > 2 and <= 320 } && System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed ? trimmed : null;
    }

    private static string? CleanName(string? name) =>
        name?.Trim() is { Length: > 0 and <= MaxNameLength } clean && !clean.Any(char.IsControl) ? clean : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserId} used a one-time {Kind} link")]
    private partial void LogRedeemed(Guid userId, AccountLinkKind kind);
}
