using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Auth;

/// <summary>
/// Headers on every response: a content security policy that Blazor Server and MudBlazor run under (scripts only from
/// the app; inline styles, which MudBlazor's components set; the circuit's WebSocket to the app itself), no framing,
/// no MIME sniffing, no referrer leaving the app.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var oidc = app.ApplicationServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc;
        var policy = Policy(oidc);
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return next(context);
        });
    }

    public static string Policy(OidcOptions oidc)
    {
        // Sign-in and sign-out are form posts that redirect to the identity provider, which form-action must allow.
        var provider = oidc.IsEnabled && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) ? " " + authority.GetLeftPart(UriPartial.Authority) : "";
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'" + provider);
    }
}
