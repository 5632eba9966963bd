namespace ReApi.Client;

/// <summary>The submission endpoints under <c>/api/v1</c>; every one creates an asynchronous task.</summary>
public enum ReApiEndpoint
{
    Images,
    Videos,
    Audio,
    Essay,
    Humanize,
    Detect,
}

public static class ReApiEndpoints
{
    public static string Path(this ReApiEndpoint endpoint) => endpoint switch
    {
        ReApiEndpoint.Images => "images/generations",
        ReApiEndpoint.Videos => "videos/generations",
        ReApiEndpoint.Audio => "audio/generations",
        ReApiEndpoint.Essay => "essay",
        ReApiEndpoint.Humanize => "humanize",
        ReApiEndpoint.Detect => "detect",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Unknown endpoint."),
    };

    public static bool TryParsePath(string path, out ReApiEndpoint endpoint)
    {
        foreach (var candidate in Enum.GetValues<ReApiEndpoint>())
        {
            if (string.Equals(candidate.Path(), path.Trim('/'), StringComparison.OrdinalIgnoreCase))
            {
                endpoint = candidate;
                return true;
            }
        }

        endpoint = default;
        return false;
    }
}
