namespace ReApiWeb.Features.Auth;

/// <summary>Policy and role names, in one place.</summary>
public static class AuthPolicies
{
    public const string Admin = "admin";

    public const string AdminRole = "admin";

    public const string MemberRole = "member";
}
