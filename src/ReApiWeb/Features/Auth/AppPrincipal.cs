using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Auth;

/// <summary>The claims the app signs people in with, whichever way they proved who they are.</summary>
public static class AppPrincipal
{
    /// <summary>The session row this sign-in is kept in (<see cref="Sessions.SessionStore"/>).</summary>
    public const string SessionClaim = "reapiweb:session";

    /// <summary>"sso" or "local".</summary>
    public const string MethodClaim = "reapiweb:method";

    /// <summary>The network address the person signed in from.</summary>
    public const string AddressClaim = "reapiweb:address";

    public const string Sso = "sso";

    public const string Local = "local";

    public static ClaimsPrincipal Create(User user, string method, string? address)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Email, user.Email),
            new(ClaimTypes.Role, user.HasAdminRights ? AuthPolicies.AdminRole : AuthPolicies.MemberRole),
            new(MethodClaim, method),
        };
        if (!string.IsNullOrEmpty(address))
        {
            claims.Add(new Claim(AddressClaim, address));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The same sign-in with <paramref name="user"/>'s current name and rights (session and address kept).</summary>
    public static ClaimsPrincipal Refresh(ClaimsPrincipal principal, User user)
    {
        var refreshed = Create(user, principal.FindFirstValue(MethodClaim) ?? Local, principal.FindFirstValue(AddressClaim));
        if (principal.FindFirst(SessionClaim) is { } session)
        {
            ((ClaimsIdentity)refreshed.Identity!).AddClaim(new Claim(SessionClaim, session.Value));
        }

        return refreshed;
    }

    /// <summary>Whether <paramref name="principal"/> still says what <paramref name="user"/> is (name and rights).</summary>
    public static bool Matches(ClaimsPrincipal principal, User user) =>
        principal.Identity?.Name == user.DisplayName
        && principal.IsInRole(AuthPolicies.AdminRole) == user.HasAdminRights;
}
