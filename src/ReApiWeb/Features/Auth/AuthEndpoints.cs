using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using ReApiWeb.Features.Auth.Accounts;
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
        endpoints.MapAccountEndpoints();
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
            return TypedResults.LocalRedirect(LoginPage("missing", back, email));
        }

        var address = context.Connection.RemoteIpAddress?.ToString();
        var outcome = await signIn.TrySignInAsync(email, password, address, context.RequestAborted);
        if (outcome.LockedFor is { } wait)
        {
            return TypedResults.LocalRedirect(LoginPage("locked", back, email) + $"&minutes={SignInThrottle.Minutes(wait)}");
        }

        if (outcome.Principal is not { } principal)
        {
            loggers.CreateLogger(typeof(AuthEndpoints)).LogWarning("Failed local sign-in from {Address}", address);
            return TypedResults.LocalRedirect(LoginPage("invalid", back, email));
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(back);
    }

    /// <summary>The sign-in page with an error; the e-mail typed is kept in the form (not the password).</summary>
    public static string LoginPage(string error, string returnUrl, string? email = null) =>
        $"/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}"
        + (email is { Length: > 0 and <= 320 } ? $"&email={Uri.EscapeDataString(email.Trim())}" : "");

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
