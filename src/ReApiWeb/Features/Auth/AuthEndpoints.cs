using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace ReApiWeb.Features.Auth;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/authentication");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/login");
        });
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, [FromForm] LoginForm form, LocalSignIn signIn, ILoggerFactory loggers)
    {
        var returnUrl = IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/";
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
        {
            return TypedResults.LocalRedirect($"/login?error=missing&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var principal = await signIn.TrySignInAsync(form.Email, form.Password, context.RequestAborted);
        if (principal is null)
        {
            loggers.CreateLogger(typeof(AuthEndpoints)).LogWarning("Failed local sign-in for {Email} from {Address}", form.Email.Trim(), context.Connection.RemoteIpAddress);
            return TypedResults.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(returnUrl);
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    public sealed record LoginForm(string? Email, string? Password, string? ReturnUrl);
}
