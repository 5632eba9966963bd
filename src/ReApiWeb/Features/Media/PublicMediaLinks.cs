using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ReApiWeb.Features.Media;

public enum MediaSource
{
    Upload,
    Output,
}

/// <summary>What a public link points at: an upload or an archived output, by id.</summary>
public readonly record struct MediaReference(MediaSource Source, Guid Id);

/// <summary>
/// Unguessable, expiring links that reAPI's providers can fetch without signing in: the target is sealed with Data
/// Protection (authenticated encryption, keys kept with the app's data) together with its expiry, so a link cannot be
/// forged, altered or used after it expires, and it survives restarts.
/// </summary>
public sealed class PublicMediaLinks(IDataProtectionProvider dataProtection, IOptions<MediaOptions> options, TimeProvider time)
{
    public const string RoutePrefix = "/media";

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("ReApiWeb.Media.PublicLinks.v1").ToTimeLimitedDataProtector();

    public bool Enabled => options.Value.PublicBaseUrl is not null;

    /// <summary>A link to <paramref name="target"/> ending in <paramref name="fileName"/>'s extension (providers look at it); null when no public base URL is set.</summary>
    public Uri? Create(MediaReference target, string fileName)
    {
        if (options.Value.PublicBaseUrl is not { } publicBase)
        {
            return null;
        }

        var token = _protector.Protect($"{target.Source}:{target.Id:N}", time.GetUtcNow() + options.Value.LinkLifetime);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var name = "input" + (extension.Length is > 1 and <= 6 && extension[1..].All(char.IsAsciiLetterOrDigit) ? extension : "");
        return new Uri(new Uri(publicBase.AbsoluteUri.TrimEnd('/') + "/"), $"{RoutePrefix.TrimStart('/')}/{token}/{name}");
    }

    /// <summary>
    /// The same-origin path of a file a form's URL points at, for the browser to preview it (the page's content policy
    /// loads media from this app only): one of this app's public links, or an address on the app itself; null otherwise.
    /// </summary>
    public string? PreviewPath(string url, Uri appBase)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }

        if (options.Value.PublicBaseUrl is { } publicBase && url.StartsWith(publicBase.AbsoluteUri.TrimEnd('/') + RoutePrefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            return RoutePrefix + url[(publicBase.AbsoluteUri.TrimEnd('/') + RoutePrefix).Length..];
        }

        return Uri.Compare(uri, appBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0 ? uri.PathAndQuery : null;
    }

    /// <summary>The target of a link's token, or null if it was forged, altered or has expired.</summary>
    public MediaReference? Resolve(string token)
    {
        string payload;
        try
        {
            payload = _protector.Unprotect(token, out var expiration);
            if (expiration < time.GetUtcNow())
            {
                return null;
            }
        }
        catch (CryptographicException)
        {
            return null;
        }

        var parts = payload.Split(':');
        return parts.Length == 2 && Enum.TryParse<MediaSource>(parts[0], out var source) && Guid.TryParseExact(parts[1], "N", out var id)
            ? new MediaReference(source, id)
            : null;
    }
}
