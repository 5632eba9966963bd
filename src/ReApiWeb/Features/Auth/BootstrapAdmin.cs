using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Auth;

/// <summary>
/// Makes sure a local admin exists. A configured password is authoritative (it is re-applied at each start);
/// without one, the first start generates a password and logs it once.
/// </summary>
public sealed partial class BootstrapAdmin(
    IDbContextFactory<AppDbContext> dbFactory,
    IPasswordHasher<User> hasher,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<BootstrapAdmin> logger)
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.BootstrapAdmin;
        var email = settings.Email.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (user is null)
        {
            user = new User { Email = email, DisplayName = settings.DisplayName, IsAdmin = true, CreatedAt = time.GetUtcNow() };
            var password = string.IsNullOrEmpty(settings.Password) ? GeneratePassword() : settings.Password;
            user.PasswordHash = hasher.HashPassword(user, password);
            db.Users.Add(user);
            await db.SaveChangesAsync(cancellationToken);
            if (string.IsNullOrEmpty(settings.Password))
            {
                LogGeneratedPassword(email, password);
            }
            else
            {
                LogCreated(email);
            }

            return;
        }

        if (!string.IsNullOrEmpty(settings.Password)
            && (user.PasswordHash is null || hasher.VerifyHashedPassword(user, user.PasswordHash, settings.Password) == PasswordVerificationResult.Failed))
        {
            user.PasswordHash = hasher.HashPassword(user, settings.Password);
        }

        user.IsAdmin = true;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the bootstrap admin {Email} with the generated password: {Password} (shown once; set Auth:BootstrapAdmin:Password to choose your own)")]
    private partial void LogGeneratedPassword(string email, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the bootstrap admin {Email} with the configured password")]
    private partial void LogCreated(string email);
}
