using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using ReApiWeb.Features.Auth.Sso;

namespace ReApiWeb.Features.Auth;

public static class AuthEndpoints
{
    public const string SignedOutPath = "/login?signedOut=1";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/authentication");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapGet("/sso", StartSso).AllowAnonymous();
        group.MapPost("/logout", LogoutAsync).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, [FromForm] LoginForm form, LocalSignIn signIn, ILoggerFactory loggers)
    {
        var returnUrl = LocalOrHome(form.ReturnUrl);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
        {
            return TypedResults.LocalRedirect($"/login?error=missing&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var principal = await signIn.TrySignInAsync(form.Email, form.Password, address, context.RequestAborted);
        if (principal is null)
        {
            loggers.CreateLogger(typeof(AuthEndpoints)).LogWarning("Failed local sign-in from {Address}", address);
            return TypedResults.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(returnUrl);
    }

    /// <summary>Sends the browser to the identity provider; it comes back signed in at <paramref name="returnUrl"/>.</summary>
    private static IResult StartSso(string? returnUrl, SignInMethods methods) =>
        methods.SsoEnabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [ProviderRecheck.Scheme])
            : TypedResults.LocalRedirect("/login");

    /// <summary>Ends the session here and, for SSO, at the provider too (RP-initiated logout with the ID token as hint).</summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, SignInMethods methods)
    {
        var properties = new AuthenticationProperties { RedirectUri = SignedOutPath };
        if (methods.SsoEnabled && context.User.FindFirstValue(AppPrincipal.MethodClaim) == AppPrincipal.Sso)
        {
            return TypedResults.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, ProviderRecheck.Scheme]);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect(SignedOutPath);
    }

    private static string LocalOrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    public sealed record LoginForm(string? Email, string? Password, string? ReturnUrl);
}
