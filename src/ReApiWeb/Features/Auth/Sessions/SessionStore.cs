using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Auth.Sessions;

/// <summary>
/// Keeps sign-ins on the server (<see cref="UserSession"/>), so the cookie is only a session id: the provider's tokens
/// never reach the browser, and deleting a row (sign-out, a disabled person, a provider that says no) ends it at once.
/// </summary>
public sealed class SessionStore(
    IDbContextFactory<AppDbContext> dbFactory,
    IDataProtectionProvider protection,
    IHttpContextAccessor http,
    TimeProvider time) : ITicketStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("ReApiWeb.Session.v1");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var userId = Guid.Parse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var now = time.GetUtcNow();
        var fromProvider = ticket.Principal.FindFirstValue(AppPrincipal.MethodClaim) == AppPrincipal.Sso;
        var session = new UserSession
        {
            UserId = userId,
            Ticket = [],
            FromProvider = fromProvider,
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
            ProviderCheckedAt = fromProvider ? now : null,
            Address = Truncate(http.HttpContext?.Connection.RemoteIpAddress?.ToString(), 64),
            UserAgent = Truncate(http.HttpContext?.Request.Headers.UserAgent.ToString(), 300),
        };
        ((ClaimsIdentity)ticket.Principal.Identity!).AddClaim(new Claim(AppPrincipal.SessionClaim, session.Id.ToString()));
        session.Ticket = Protect(ticket);

        await using var db = await dbFactory.CreateDbContextAsync();
        db.Sessions.Add(session);
        await db.SaveChangesAsync();

        // Forgotten sessions go when their owner next signs in anywhere, so the table does not grow without bound.
        await db.Sessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        return session.Id.ToString();
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        if (!Guid.TryParse(key, out var id))
        {
            return;
        }

        var protectedTicket = Protect(ticket);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Ticket, protectedTicket)
            .SetProperty(x => x.ExpiresAt, ticket.Properties.ExpiresUtc));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!Guid.TryParse(key, out var id))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        var session = await db.Sessions.AsNoTracking().Include(s => s.User).SingleOrDefaultAsync(s => s.Id == id);
        if (session is null || session.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        // The cookie's validation, next in this request, checks this same row and its person: one read serves both.
        if (http.HttpContext is { } context)
        {
            context.Items[typeof(UserSession)] = session;
        }

        return Read(session);
    }

    public async Task RemoveAsync(string key)
    {
        if (Guid.TryParse(key, out var id))
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Sessions.Where(s => s.Id == id).ExecuteDeleteAsync();
        }
    }

    /// <summary>The ticket kept in <paramref name="session"/>, or null when it can no longer be read (keys lost).</summary>
    public AuthenticationTicket? Read(UserSession session)
    {
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(session.Ticket));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];
}

/// <summary>Puts <see cref="SessionStore"/> behind the cookie.</summary>
public sealed class SessionStoreSetup(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == CookieAuthenticationDefaults.AuthenticationScheme)
        {
            options.SessionStore = store;
        }
    }
}
