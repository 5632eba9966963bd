using System.Text.RegularExpressions;

namespace ReApiWeb.Components;

/// <summary>
/// MudBlazor's CSS and script are linked under fingerprinted names (<c>MudBlazor.min.k4r0it8844.css</c>), and the
/// SDK maps those names without the Brotli and gzip copies it made of them, so 628 KB of CSS went out uncompressed
/// (the circuit benchmark's cold load). Such a request is served from the plain name, whose endpoint negotiates the
/// compressed copy, and keeps the fingerprinted name's immutable caching. Runs before routing.
/// </summary>
public static partial class CompressedPackageAssets
{
    public static IApplicationBuilder UseCompressedPackageAssets(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && Fingerprinted().Match(context.Request.Path.Value ?? "") is { Success: true } match)
            {
                context.Request.Path = $"/_content/{match.Groups["package"].Value}/{match.Groups["name"].Value}.{match.Groups["extension"].Value}";
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode == StatusCodes.Status200OK)
                    {
                        context.Response.Headers.CacheControl = "max-age=31536000, immutable";
                    }

                    return Task.CompletedTask;
                });
            }

            return next(context);
        });

    [GeneratedRegex(@"^/_content/(?<package>MudBlazor)/(?<name>[A-Za-z.]+)\.(?<fingerprint>[a-z0-9]{10})\.(?<extension>css|js)$")]
    private static partial Regex Fingerprinted();
}
