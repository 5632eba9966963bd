using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Auth.Tokens;

public sealed record TokenView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>Why a presented token was not accepted, in reAPI's 401 codes.</summary>
public enum TokenRejection
{
    Invalid = 10003,
    Revoked = 10004,
}

/// <summary>Creates, lists, revokes and checks personal access tokens.</summary>
public sealed class PersonalTokens(
    IDbContextFactory<AppDbContext> dbFactory,
    Admin.AuditLog audit,
    IEventBus bus,
    Microsoft.Extensions.Options.IOptions<AuthOptions> options,
    TimeProvider time)
{
    /// <summary>The token a principal was authenticated with.</summary>
    public const string TokenClaim = "reapiweb:token";

    /// <summary>The lifetimes a person may choose from, in days; 0 (never) only when an admin allowed it.</summary>
    public IReadOnlyList<int> LifetimeChoices =>
        [.. new[] { 7, 30, 90, 365 }.Where(days => TimeSpan.FromDays(days) <= Policy.MaxLifetime), .. Policy.AllowNeverExpiring ? [0] : Array.Empty<int>()];

    private TokenOptions Policy => options.Value.Tokens;

    public const string TokenPrefix = "rwp_";
    public const int MaxNameLength = 100;

    /// <summary>
    /// Makes a token and returns it in clear: the only time it is ever available. A null <paramref name="lifetime"/>
    /// (never expires) needs <see cref="TokenOptions.AllowNeverExpiring"/>; no lifetime may pass <see cref="TokenOptions.MaxLifetime"/>.
    /// </summary>
    public async Task<(TokenView Token, string Secret)> CreateAsync(Guid userId, string name, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A token needs a name of 1 to {MaxNameLength} characters.", nameof(name));
        }

        if (lifetime is null ? !Policy.AllowNeverExpiring : lifetime > Policy.MaxLifetime)
        {
            throw new ArgumentException(
                $"A token must expire within {Policy.MaxLifetime.TotalDays:0} days{(Policy.AllowNeverExpiring ? "" : "; tokens that never expire are off (an admin can allow them)")}.",
                nameof(lifetime));
        }

        var secret = TokenPrefix + Secrets.New();
        var now = time.GetUtcNow();
        var token = new PersonalAccessToken
        {
            UserId = userId,
            Name = trimmed,
            Prefix = secret[..12],
            Hash = Secrets.Hash(secret),
            CreatedAt = now,
            ExpiresAt = lifetime is { } l ? now + l : null,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.PersonalAccessTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return (View(token), secret);
    }

    public async Task<IReadOnlyList<TokenView>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tokens = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).ToListAsync(cancellationToken);
        return [.. tokens.Select(View)];
    }

    /// <summary>Revokes one of the person's own tokens (admins may revoke anyone's, which is audited). False when there is no such token.</summary>
    public async Task<bool> RevokeAsync(CurrentUser user, Guid tokenId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.PersonalAccessTokens.Include(t => t.User)
            .SingleOrDefaultAsync(t => t.Id == tokenId && (t.UserId == user.Id || user.IsAdmin) && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt = time.GetUtcNow();
        if (token.UserId != user.Id)
        {
            await audit.AddAdminChangeAsync(db, user.Actor, "token.revoke", $"{token.User!.Email}'s token '{token.Name}' ({token.Prefix}…) revoked", cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new AccessChanged(token.UserId));
        return true;
    }

    /// <summary>Whether the token behind <paramref name="principal"/> still works and its owner's rights are unchanged.</summary>
    public async Task<bool> StillValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.FindFirstValue(TokenClaim), out var tokenId))
        {
            return false;
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.PersonalAccessTokens.AsNoTracking().Include(t => t.User).SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        return token?.User is { IsDisabled: false } owner
            && token.RevokedAt is null
            && !(token.ExpiresAt <= now)
            && owner.HasAdminRights == principal.IsInRole(AuthPolicies.AdminRole);
    }

    /// <summary>Checks a presented token; on success returns the principal of its (active) owner.</summary>
    public async Task<(ClaimsPrincipal? Principal, TokenRejection? Rejection)> AuthenticateAsync(string presented, string scheme, CancellationToken cancellationToken)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return (null, TokenRejection.Invalid);
        }

        var now = time.GetUtcNow();
        var hash = Secrets.Hash(presented);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.PersonalAccessTokens.Include(t => t.User).SingleOrDefaultAsync(t => t.Hash == hash, cancellationToken);
        if (token?.User is null)
        {
            return (null, TokenRejection.Invalid);
        }

        if (token.RevokedAt is not null || token.ExpiresAt <= now || token.User.IsDisabled)
        {
            return (null, TokenRejection.Revoked);
        }

        // Record use at most once a minute, to keep scripts that poll from writing on every request.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (StorageErrors.IsDiskFull(e))
            {
                // Only a convenience for the token list: a full disk must not lock scripts out of reading their jobs.
            }
        }

        var principal = AppPrincipal.Create(token.User, "token", address: null);
        var identity = new ClaimsIdentity(principal.Claims, scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(TokenClaim, token.Id.ToString()));
        return (new ClaimsPrincipal(identity), null);
    }

    private static TokenView View(PersonalAccessToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);

}
