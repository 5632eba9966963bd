namespace ReApiWeb.Features.Auth;

/// <summary>Policy and role names, in one place.</summary>
public static class AuthPolicies
{
    public const string Admin = "admin";

    /// <summary>Scripts: a personal access token (<c>Bearer rwp_…</c>) only; cookies are not accepted, so no CSRF.</summary>
    public const string PersonalToken = "personal-token";

    /// <summary>Files: a browser's cookie or a script's token.</summary>
    public const string CookieOrToken = "cookie-or-token";

    public const string AdminRole = "admin";

    public const string MemberRole = "member";
}
