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

    /// <summary>How long a sign-in lasts at most, however busy it was: then the person signs in again.</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(24);

    public SignInLimitOptions SignInLimits { get; set; } = new();

    public TokenOptions Tokens { get; set; } = new();

    /// <summary>How long an invitation link works.</summary>
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a password reset link works.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Brute-force protection of the password sign-in.</summary>
public sealed class SignInLimitOptions
{
    /// <summary>Wrong passwords in a row after which an account is locked.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Password sign-in attempts one network address may make per minute, whatever the accounts.</summary>
    public int AttemptsPerAddressPerMinute { get; set; } = 30;
}

/// <summary>Personal access tokens for scripts.</summary>
public sealed class TokenOptions
{
    /// <summary>The longest lifetime a member may give a token.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Whether members may make tokens that never expire (off: every token has an expiry).</summary>
    public bool AllowNeverExpiring { get; set; }
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

    /// <summary>The ID token claim by which the provider says it verified the e-mail address.</summary>
    public string EmailVerifiedClaim { get; set; } = "email_verified";

    /// <summary>
    /// Whether a first SSO sign-in may take over an account made here before SSO with the same e-mail. Only when the
    /// provider asserts the e-mail is verified, and never the bootstrap admin's account; off by default.
    /// </summary>
    public bool LinkVerifiedEmails { get; set; }

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
