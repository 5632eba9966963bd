using System.Security.Claims;

namespace ReApiWeb.Features.Auth;

/// <summary>The signed-in person as the server sees it, read from the authentication cookie's claims.</summary>
public sealed record CurrentUser(Guid Id, string Name, bool IsAdmin, string? Address = null)
{
    public static CurrentUser? From(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true
        && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? new CurrentUser(id, principal.Identity.Name ?? "", principal.IsInRole(AuthPolicies.AdminRole), principal.FindFirstValue(AppPrincipal.AddressClaim))
            : null;

    /// <summary>This person as the audit log names them.</summary>
    public Admin.Actor Actor => new(Id, Name, Address);

    /// <summary>May this person see a thing owned by <paramref name="ownerId"/>?</summary>
    public bool CanSee(Guid ownerId) => IsAdmin || ownerId == Id;
}
