using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Auth;

/// <summary>Lists every problem with the <c>Auth</c> section at once.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = new List<string>();
        var admin = options.BootstrapAdmin;
        if (string.IsNullOrWhiteSpace(admin.Email) || !admin.Email.Contains('@'))
        {
            problems.Add("Auth:BootstrapAdmin:Email must be an e-mail address.");
        }

        if (!string.IsNullOrEmpty(admin.Password) && admin.Password.Length < 8)
        {
            problems.Add("Auth:BootstrapAdmin:Password must have at least 8 characters.");
        }

        if (options.RevalidationInterval <= TimeSpan.Zero || options.RevalidationInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add("Auth:RevalidationInterval must be more than 0 and at most 5 minutes (a disabled person must lose access within 5 minutes).");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(5))
        {
            problems.Add("Auth:SessionLifetime must be at least 5 minutes.");
        }

        if (options.SessionMaxLifetime < options.SessionLifetime)
        {
            problems.Add("Auth:SessionMaxLifetime must be at least Auth:SessionLifetime.");
        }

        if (options.SignInLimits.MaxFailures < 1 || options.SignInLimits.Lockout <= TimeSpan.Zero || options.SignInLimits.AttemptsPerAddressPerMinute < 1)
        {
            problems.Add("Auth:SignInLimits needs MaxFailures and AttemptsPerAddressPerMinute of at least 1 and a positive Lockout.");
        }

        if (options.InviteLifetime < TimeSpan.FromMinutes(10) || options.PasswordResetLifetime < TimeSpan.FromMinutes(10)
            || options.InviteLifetime > TimeSpan.FromDays(30) || options.PasswordResetLifetime > TimeSpan.FromDays(30))
        {
            problems.Add("Auth:InviteLifetime and Auth:PasswordResetLifetime must be between 10 minutes and 30 days.");
        }

        if (options.Tokens.MaxLifetime < TimeSpan.FromDays(7))
        {
            problems.Add("Auth:Tokens:MaxLifetime must be at least 7 days.");
        }

        if (options.Oidc.IsEnabled)
        {
            problems.AddRange(ValidateOidc(options.Oidc, options.RevalidationInterval));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> ValidateOidc(OidcOptions oidc, TimeSpan revalidation)
    {
        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            yield return "Auth:Oidc:Authority must be the provider's absolute issuer URL.";
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && oidc.RequireHttpsMetadata)
        {
            yield return "Auth:Oidc:Authority must use https (set Auth:Oidc:RequireHttpsMetadata to false only for a provider on loopback).";
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            yield return "Auth:Oidc:ClientId is required when Auth:Oidc:Authority is set.";
        }

        if (!oidc.ScopeList.Contains("openid"))
        {
            yield return "Auth:Oidc:Scopes must include openid.";
        }

        foreach (var (key, value) in new[] { ("NameClaim", oidc.NameClaim), ("EmailClaim", oidc.EmailClaim), ("GroupsClaim", oidc.GroupsClaim), ("RolesClaim", oidc.RolesClaim), ("EmailVerifiedClaim", oidc.EmailVerifiedClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Auth:Oidc:{key} must name a claim.";
            }
        }

        if (oidc.RecheckInterval <= TimeSpan.Zero || oidc.RecheckInterval + revalidation > TimeSpan.FromMinutes(5))
        {
            yield return "Auth:Oidc:RecheckInterval plus Auth:RevalidationInterval must be at most 5 minutes (a person the provider no longer allows must lose access within 5 minutes).";
        }
    }
}
