using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;

namespace ReApiWeb.Features.Auth;

/// <summary>Checks a local e-mail and password, records the attempt in the audit log, and builds the principal for the cookie.</summary>
public sealed class LocalSignIn(
    IDbContextFactory<AppDbContext> dbFactory,
    IPasswordHasher<User> hasher,
    SignInMethods methods,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<ClaimsPrincipal?> TrySignInAsync(string email, string password, string? address, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var verdict = PasswordVerificationResult.Failed;
        if (user?.PasswordHash is null || user.IsDisabled || !await methods.MayUsePasswordAsync(normalized, cancellationToken))
        {
            // Spend the same time as a real check so that timing does not tell which e-mails exist.
            hasher.VerifyHashedPassword(new User { Email = normalized, DisplayName = "" }, DummyHash, password);
        }
        else
        {
            verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        }

        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            audit.Add(db, user?.Id, Shorten(normalized), address, "signin.failed", $"Local sign-in refused{Reason(user)}");
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.LastSignInAt = time.GetUtcNow();
        audit.Add(db, new Actor(user.Id, user.DisplayName, address), "signin", $"{user.Email} signed in with a password");
        await db.SaveChangesAsync(cancellationToken);
        return AppPrincipal.Create(user, AppPrincipal.Local, address);
    }

    private static string Reason(User? user) => user switch
    {
        null => " (no such account)",
        { IsDisabled: true } => " (account disabled)",
        { PasswordHash: null } => " (account signs in with SSO)",
        _ => " (wrong password, or local sign-in is off)",
    };

    // What someone typed as their e-mail goes into the log, but not without bound.
    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "…";

    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(new User { Email = "", DisplayName = "" }, Guid.NewGuid().ToString());
}
