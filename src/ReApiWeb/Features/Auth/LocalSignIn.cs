using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;

namespace ReApiWeb.Features.Auth;

/// <summary>What a password sign-in came to: a principal, a refusal, or an account locked for a while.</summary>
public sealed record SignInOutcome(ClaimsPrincipal? Principal, TimeSpan? LockedFor = null);

/// <summary>
/// Checks a local e-mail and password and builds the principal for the cookie. Repeated wrong passwords lock the
/// account for <see cref="SignInLimitOptions.Lockout"/>; the audit log gets each failure up to the lockout and then one
/// entry for the lockout itself, so guessing cannot flood it.
/// </summary>
public sealed class LocalSignIn(
    IDbContextFactory<AppDbContext> dbFactory,
    IPasswordHasher<User> hasher,
    SignInMethods methods,
    AuditLog audit,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    private SignInLimitOptions Limits => options.Value.SignInLimits;

    public async Task<SignInOutcome> TrySignInAsync(string email, string password, string? address, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user?.LockedUntil > now)
        {
            // Locked: the password is not even tried, so guessing on gains nothing; the same time is spent regardless.
            SpendTheTimeOfACheck(normalized, password);
            return new SignInOutcome(null, user.LockedUntil - now);
        }

        var verdict = PasswordVerificationResult.Failed;
        if (user?.PasswordHash is null || user.IsDisabled || !await methods.MayUsePasswordAsync(normalized, cancellationToken))
        {
            SpendTheTimeOfACheck(normalized, password);
        }
        else
        {
            verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        }

        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            var lockedFor = user is null ? null : CountFailure(db, user, address, now);
            if (lockedFor is null)
            {
                audit.Add(db, user?.Id, Shorten(normalized), address, "signin.failed", $"Local sign-in refused{Reason(user)}");
            }

            await db.SaveChangesAsync(cancellationToken);
            return new SignInOutcome(null, lockedFor);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.LastSignInAt = now;
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        audit.Add(db, new Actor(user.Id, user.DisplayName, address), "signin", $"{user.Email} signed in with a password");
        await db.SaveChangesAsync(cancellationToken);
        return new SignInOutcome(AppPrincipal.Create(user, AppPrincipal.Local, address));
    }

    /// <summary>Counts a wrong password; at the limit the account locks (audited once) and the lock's length is returned.</summary>
    private TimeSpan? CountFailure(AppDbContext db, User user, string? address, DateTimeOffset now)
    {
        user.FailedSignIns++;
        if (user.FailedSignIns < Limits.MaxFailures)
        {
            return null;
        }

        user.FailedSignIns = 0;
        user.LockedUntil = now + Limits.Lockout;
        audit.Add(db, user.Id, user.Email, address, "signin.locked",
            $"{user.Email} locked for {SignInThrottle.Minutes(Limits.Lockout)} minutes after {Limits.MaxFailures} wrong passwords in a row (the last from {address ?? "an unknown address"})");
        return Limits.Lockout;
    }

    private void SpendTheTimeOfACheck(string email, string password) =>
        hasher.VerifyHashedPassword(new User { Email = email, DisplayName = "" }, DummyHash, password);

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
