using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Auth;

/// <summary>Checks a local e-mail and password and builds the principal for the cookie.</summary>
public sealed class LocalSignIn(IDbContextFactory<AppDbContext> dbFactory, IPasswordHasher<User> hasher, TimeProvider time)
{
    public async Task<ClaimsPrincipal?> TrySignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user?.PasswordHash is null || user.IsDisabled)
        {
            // Spend the same time as a real check so that timing does not tell which e-mails exist.
            hasher.VerifyHashedPassword(new User { Email = normalized, DisplayName = "" }, DummyHash, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.LastSignInAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return CreatePrincipal(user);
    }

    public static ClaimsPrincipal CreatePrincipal(User user)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.DisplayName),
                new Claim(ClaimTypes.Email, user.Email),
                new Claim(ClaimTypes.Role, user.IsAdmin ? AuthPolicies.AdminRole : AuthPolicies.MemberRole),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(new User { Email = "", DisplayName = "" }, Guid.NewGuid().ToString());
}
