namespace ReApiWeb.Features.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    public OidcOptions Oidc { get; set; } = new();

    /// <summary>How often a browser left open re-checks that its person may still use the app.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a sign-in lasts without any visit before the person must sign in again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>The local admin created at first start so the app works out of the box.</summary>
public sealed class BootstrapAdminOptions
{
    public string Email { get; set; } = "admin@localhost";

    /// <summary>When empty, the first start generates a password and writes it once to the log.</summary>
    public string? Password { get; set; }

    public string DisplayName { get; set; } = "Administrator";

    /// <summary>
    /// Whether the bootstrap admin may still sign in with a password after an admin turned local sign-in off,
    /// as a way back in when the identity provider is down or misconfigured.
    /// </summary>
    public bool BreakGlass { get; set; } = true;
}

/// <summary>Sign-in through the company's OpenID Connect provider (authorization code flow with PKCE).</summary>
public sealed class OidcOptions
{
    /// <summary>The provider's issuer URL; SSO is on when it is set.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes; <c>offline_access</c> gives the refresh token used to re-check people.</summary>
    public string Scopes { get; set; } = "openid profile email offline_access";

    /// <summary>The label of the sign-in button: "Sign in with …".</summary>
    public string DisplayName { get; set; } = "company SSO";

    public string NameClaim { get; set; } = "name";

    public string EmailClaim { get; set; } = "email";

    public string GroupsClaim { get; set; } = "groups";

    public string RolesClaim { get; set; } = "roles";

    /// <summary>People in any of these groups are admins.</summary>
    public List<string> AdminGroups { get; set; } = [];

    /// <summary>People with any of these roles are admins.</summary>
    public List<string> AdminRoles { get; set; } = [];

    /// <summary>When not empty, only people in one of these groups may sign in at all.</summary>
    public List<string> AllowedGroups { get; set; } = [];

    /// <summary>How often the provider is asked again (with the refresh token) whether a signed-in person still may.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Only for a provider on loopback in development and tests: allows an http authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
