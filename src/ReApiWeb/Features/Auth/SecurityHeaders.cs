using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Auth;

/// <summary>
/// Headers on every response: a content security policy that Blazor Server and MudBlazor run under (scripts only from
/// the app; inline styles, which MudBlazor's components set; the circuit's WebSocket to the app itself), no framing,
/// no MIME sniffing, no referrer leaving the app. Files (outputs and media links) get a sandboxing policy instead: a
/// file that turned out to be a document runs nothing with the app's origin. The hub refuses pages of other origins.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For archived outputs and public media links: a document opened from there is sandboxed and loads nothing.</summary>
    public const string FilePolicy = "sandbox; default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var oidc = app.ApplicationServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc;
        var policy = Policy(oidc);
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = IsFilePath(context.Request.Path) ? FilePolicy : policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return next(context);
        });
    }

    /// <summary>
    /// A browser page of another origin (another site, or another host of the same site) may not open the hub with a
    /// member's cookie: a request with an <c>Origin</c> header must come from the app's own origin. Scripts send none.
    /// </summary>
    public static IApplicationBuilder UseSameOriginHubs(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/hubs")
                && context.Request.Headers.Origin.ToString() is { Length: > 0 } origin
                && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            return next(context);
        });

    private static bool IsFilePath(PathString path) =>
        path.StartsWithSegments("/outputs") || path.StartsWithSegments(Media.PublicMediaLinks.RoutePrefix);

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
