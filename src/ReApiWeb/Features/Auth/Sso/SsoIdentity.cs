using System.Security.Claims;

namespace ReApiWeb.Features.Auth.Sso;

/// <summary>Who the identity provider says a person is, read through the configured claim names.</summary>
/// <param name="EmailVerified">Whether the provider asserts it verified <paramref name="Email"/> (<see cref="OidcOptions.EmailVerifiedClaim"/>).</param>
public sealed record SsoIdentity(string Subject, string? Email, string? Name, IReadOnlySet<string> Groups, IReadOnlySet<string> Roles, bool EmailVerified = false)
{
    /// <summary>Reads the claims of an ID token; null when it has no subject.</summary>
    public static SsoIdentity? From(IEnumerable<Claim> claims, OidcOptions options)
    {
        var list = claims.ToList();
        var subject = Value(list, "sub");
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        return new SsoIdentity(
            subject,
            Value(list, options.EmailClaim)?.Trim().ToLowerInvariant(),
            Value(list, options.NameClaim)?.Trim(),
            Values(list, options.GroupsClaim),
            Values(list, options.RolesClaim),
            string.Equals(Value(list, options.EmailVerifiedClaim), "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An admin by the provider: in one of the admin groups or holding one of the admin roles.</summary>
    public bool IsAdmin(OidcOptions options) =>
        options.AdminGroups.Any(Groups.Contains) || options.AdminRoles.Any(Roles.Contains);

    /// <summary>Allowed to sign in: no allow-list, or in one of its groups.</summary>
    public bool IsAllowed(OidcOptions options) =>
        options.AllowedGroups.Count == 0 || options.AllowedGroups.Any(Groups.Contains);

    private static string? Value(List<Claim> claims, string type) => claims.FirstOrDefault(c => c.Type == type)?.Value;

    // JSON arrays arrive as one claim per element. Keycloak may send group paths ("/team/design"); they are kept as sent.
    private static HashSet<string> Values(List<Claim> claims, string type) =>
        claims.Where(c => c.Type == type && !string.IsNullOrWhiteSpace(c.Value)).Select(c => c.Value.Trim()).ToHashSet(StringComparer.Ordinal);
}
