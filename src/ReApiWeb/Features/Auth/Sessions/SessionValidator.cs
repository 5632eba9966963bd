using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Sso;

namespace ReApiWeb.Features.Auth.Sessions;

/// <summary>
/// Decides whether a signed-in browser may go on: its session still exists and is younger than
/// <see cref="AuthOptions.SessionMaxLifetime"/>, its person is not disabled, and (for SSO,
/// every <see cref="OidcOptions.RecheckInterval"/>) the provider still says yes. Called on every request by the cookie
/// and every <see cref="AuthOptions.RevalidationInterval"/> by open pages.
/// </summary>
public sealed class SessionValidator(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceProvider services,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// Null when the browser must sign in again; <paramref name="principal"/> itself when nothing changed; a new
    /// principal when the person's name or rights changed since the sign-in.
    /// </summary>
    /// <param name="loaded">The session row with its person, when this request already read it.</param>
    public async Task<ClaimsPrincipal?> ValidateAsync(ClaimsPrincipal principal, CancellationToken cancellationToken, UserSession? loaded = null)
    {
        if (!Guid.TryParse(principal.FindFirstValue(AppPrincipal.SessionClaim), out var sessionId)
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = loaded is { User: not null } && loaded.Id == sessionId && loaded.UserId == userId
            ? loaded
            : await db.Sessions.AsNoTracking().Include(s => s.User)
                .SingleOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId, cancellationToken);
        var now = time.GetUtcNow();
        if (session?.User is null || session.User.IsDisabled || session.ExpiresAt <= now || session.CreatedAt + options.Value.SessionMaxLifetime <= now)
        {
            return null;
        }

        var user = session.User;
        if (session.FromProvider && session.ProviderCheckedAt + options.Value.Oidc.RecheckInterval <= now)
        {
            // Resolved lazily: without SSO configured there is no OpenID Connect handler to ask.
            if (!await services.GetRequiredService<ProviderRecheck>().RecheckAsync(session, cancellationToken))
            {
                return null;
            }

            user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        }

        return AppPrincipal.Matches(principal, user) ? principal : AppPrincipal.Refresh(principal, user);
    }
}
