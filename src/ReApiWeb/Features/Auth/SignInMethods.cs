using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;

namespace ReApiWeb.Features.Auth;

/// <summary>Which ways in are open: SSO when configured; local passwords unless an admin turned them off (SSO only).</summary>
public sealed class SignInMethods(IDbContextFactory<AppDbContext> dbFactory, IOptions<AuthOptions> options, AuditLog audit, TimeProvider time)
{
    public const string LocalSignInKey = "Auth.LocalSignIn";

    public bool SsoEnabled => options.Value.Oidc.IsEnabled;

    public string SsoName => options.Value.Oidc.DisplayName;

    /// <summary>Local sign-in can only be turned off while SSO is configured, so no one is ever locked out.</summary>
    public async Task<bool> LocalEnabledAsync(CancellationToken cancellationToken)
    {
        if (!SsoEnabled)
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SettingAsync(LocalSignInKey, cancellationToken) != "off";
    }

    /// <summary>May <paramref name="email"/> sign in with a password now?</summary>
    public async Task<bool> MayUsePasswordAsync(string email, CancellationToken cancellationToken) =>
        await LocalEnabledAsync(cancellationToken) || IsBreakGlass(email);

    public bool IsBreakGlass(string email) =>
        options.Value.BootstrapAdmin.BreakGlass
        && string.Equals(email.Trim(), options.Value.BootstrapAdmin.Email.Trim(), StringComparison.OrdinalIgnoreCase);

    public async Task SetLocalEnabledAsync(bool enabled, Actor admin, CancellationToken cancellationToken)
    {
        if (!SsoEnabled && !enabled)
        {
            throw new InvalidOperationException("Local sign-in can only be turned off while SSO is configured.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SetSettingAsync(LocalSignInKey, enabled ? "on" : "off", admin.Id, time.GetUtcNow(), cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, "signin.local", enabled ? "Local sign-in turned on" : "Local sign-in turned off", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
