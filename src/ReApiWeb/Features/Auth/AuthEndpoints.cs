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
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(SignInThrottle.PolicyName);
        group.MapGet("/sso", StartSso).AllowAnonymous();
        group.MapPost("/logout", LogoutAsync).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    /// <summary>Each field is optional, so a form missing one is answered like a wrong password, not with a 400.</summary>
    private static async Task<IResult> LoginAsync(
        HttpContext context,
        [FromForm(Name = "Email")] string? email,
        [FromForm(Name = "Password")] string? password,
        [FromForm(Name = "ReturnUrl")] string? returnUrl,
        LocalSignIn signIn,
        ILoggerFactory loggers)
    {
        var back = ReturnUrls.LocalOrHome(returnUrl);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return TypedResults.LocalRedirect(LoginPage("missing", back));
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var outcome = await signIn.TrySignInAsync(email, password, address, context.RequestAborted);
        if (outcome.LockedFor is { } wait)
        {
            return TypedResults.LocalRedirect(LoginPage("locked", back) + $"&minutes={SignInThrottle.Minutes(wait)}");
        }

        if (outcome.Principal is not { } principal)
        {
            loggers.CreateLogger(typeof(AuthEndpoints)).LogWarning("Failed local sign-in from {Address}", address);
            return TypedResults.LocalRedirect(LoginPage("invalid", back));
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(back);
    }

    public static string LoginPage(string error, string returnUrl) => $"/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>Sends the browser to the identity provider; it comes back signed in at <paramref name="returnUrl"/>.</summary>
    private static IResult StartSso(string? returnUrl, SignInMethods methods) =>
        methods.SsoEnabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = ReturnUrls.LocalOrHome(returnUrl) }, [ProviderRecheck.Scheme])
            : TypedResults.LocalRedirect("/login");

    /// <summary>Ends the session here and, for SSO, at the provider too (RP-initiated logout with the ID token as hint).</summary>
    /// <remarks>
    /// The antiforgery middleware records its verdict, but only form binding acts on it, and this endpoint binds no
    /// form: without this check a bodiless POST from another page of the same site would sign people out.
    /// </remarks>
    private static async Task<IResult> LogoutAsync(HttpContext context, SignInMethods methods, IAntiforgery antiforgery)
    {
        var verdict = context.Features.Get<IAntiforgeryValidationFeature>();
        if (verdict is { IsValid: false } || (verdict is null && !await antiforgery.IsRequestValidAsync(context)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign out from a page of this app (the form's antiforgery token was missing or wrong).");
        }

        var properties = new AuthenticationProperties { RedirectUri = SignedOutPath };
        if (methods.SsoEnabled && context.User.FindFirstValue(AppPrincipal.MethodClaim) == AppPrincipal.Sso)
        {
            return TypedResults.SignOut(properties, [CookieAuthenticationDefaults.AuthenticationScheme, ProviderRecheck.Scheme]);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect(SignedOutPath);
    }
}
