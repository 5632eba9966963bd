using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Auth.Accounts;

/// <summary>
/// The form posts of <see cref="LocalAccounts"/>: accepting an invitation, using a reset link (both sign the person
/// in), changing one's own password. Plain HTML forms with antiforgery tokens, so nothing typed depends on a circuit.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/account");
        group.MapPost("/invite", (HttpContext context, [FromForm(Name = "Token")] string? token, [FromForm(Name = "Name")] string? name,
                [FromForm(Name = "Password")] string? password, [FromForm(Name = "Confirm")] string? confirm, LocalAccounts accounts) =>
                RedeemAsync(context, AccountLinkKind.Invite, token, name, password, confirm, accounts))
            .AllowAnonymous().RequireRateLimiting(SignInThrottle.PolicyName);
        group.MapPost("/reset", (HttpContext context, [FromForm(Name = "Token")] string? token,
                [FromForm(Name = "Password")] string? password, [FromForm(Name = "Confirm")] string? confirm, LocalAccounts accounts) =>
                RedeemAsync(context, AccountLinkKind.PasswordReset, token, null, password, confirm, accounts))
            .AllowAnonymous().RequireRateLimiting(SignInThrottle.PolicyName);
        group.MapPost("/password", ChangePasswordAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> RedeemAsync(
        HttpContext context, AccountLinkKind kind, string? token, string? name, string? password, string? confirm, LocalAccounts accounts)
    {
        var path = kind == AccountLinkKind.Invite ? LocalAccounts.InvitePath : LocalAccounts.ResetPath;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100 || token.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            return TypedResults.LocalRedirect(path + "invalid");
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var (user, problem) = await accounts.RedeemAsync(token, kind, name, password, confirm, address, context.RequestAborted);
        if (user is null)
        {
            return TypedResults.LocalRedirect($"{path}{token}?error={problem}");
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AppPrincipal.Create(user, AppPrincipal.Local, address));
        return TypedResults.LocalRedirect("/jobs");
    }

    private static async Task<IResult> ChangePasswordAsync(
        HttpContext context, [FromForm(Name = "Current")] string? current, [FromForm(Name = "Password")] string? password,
        [FromForm(Name = "Confirm")] string? confirm, LocalAccounts accounts)
    {
        var user = CurrentUser.From(context.User)!;
        var session = Guid.TryParse(context.User.FindFirstValue(AppPrincipal.SessionClaim), out var id) ? id : (Guid?)null;
        var problem = await accounts.ChangePasswordAsync(user.Id, session, current, password, confirm, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        return TypedResults.LocalRedirect(problem is { } p ? $"/account/password?error={p}" : "/account/password?changed=1");
    }
}
