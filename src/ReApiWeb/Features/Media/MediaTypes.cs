using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Media;

/// <summary>Which files each kind of media input takes, by extension (reAPI's providers go by the file, not the name).</summary>
public static class MediaTypes
{
    private static readonly Dictionary<MediaKind, Dictionary<string, string>> ByKind = new()
    {
        // SVG is refused upstream (CONTRACT §2, media inputs).
        [MediaKind.Image] = new()
        {
            [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".webp"] = "image/webp",
            [".gif"] = "image/gif", [".bmp"] = "image/bmp", [".tif"] = "image/tiff", [".tiff"] = "image/tiff",
            [".heic"] = "image/heic", [".heif"] = "image/heif",
        },

        // mp4/mov with H.264/H.265; WebM is refused upstream.
        [MediaKind.Video] = new() { [".mp4"] = "video/mp4", [".mov"] = "video/quicktime" },
        [MediaKind.Audio] = new()
        {
            [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav", [".flac"] = "audio/flac", [".m4a"] = "audio/mp4",
            [".aac"] = "audio/aac", [".ogg"] = "audio/ogg",
        },
        [MediaKind.Subtitles] = new() { [".srt"] = "application/x-subrip" },
    };

    /// <summary>
    /// What the app serves inline from its own origin: the images, video and audio above (no SVG), and plain text.
    /// Anything else (HTML, scripts, PDF, unknown) goes out as a download, so a file an upstream or a compromised CDN
    /// made up never runs as the viewer.
    /// </summary>
    private static readonly HashSet<string> Inline =
        [.. new[] { MediaKind.Image, MediaKind.Video, MediaKind.Audio }.SelectMany(kind => ByKind[kind].Values), "audio/x-wav", "text/plain"];

    public static bool IsInline(string? contentType) => contentType is not null && Inline.Contains(contentType.Split(';')[0].Trim().ToLowerInvariant());

    /// <summary>A stored file: inline when its type is on the allow-list, otherwise as an attachment of no particular type.</summary>
    public static IResult Serve(string path, string? contentType, string downloadName) =>
        IsInline(contentType)
            ? Results.File(path, contentType, enableRangeProcessing: true)
            : Results.File(path, "application/octet-stream", fileDownloadName: downloadName, enableRangeProcessing: true);

    /// <summary>The content type to serve a file of <paramref name="kind"/> with, or null if the extension is not one it takes.</summary>
    public static string? ContentType(MediaKind kind, string fileName) =>
        ByKind[kind].GetValueOrDefault(Path.GetExtension(fileName).ToLowerInvariant());

    /// <summary>For the file picker's <c>accept</c> attribute and messages: <c>.png,.jpg,…</c>.</summary>
    public static string Extensions(MediaKind kind) => string.Join(",", ByKind[kind].Keys);

    /// <summary>The file extension for a content type reAPI served, or null if it is not one of the known media types.</summary>
    public static string? ExtensionFor(string? contentType)
    {
        var type = contentType == "audio/x-wav" ? "audio/wav" : contentType;
        return ByKind.Values.SelectMany(types => types).FirstOrDefault(pair => pair.Value == type).Key;
    }

    /// <summary>What kind of input an output can be, if any.</summary>
    public static MediaKind? KindOf(OutputMediaKind output) => output switch
    {
        OutputMediaKind.Image or OutputMediaKind.LastFrame => MediaKind.Image,
        OutputMediaKind.Video => MediaKind.Video,
        OutputMediaKind.Audio => MediaKind.Audio,
        _ => null,
    };

    /// <summary>The archived outputs that can feed a field of <paramref name="kind"/>.</summary>
    public static IReadOnlyList<OutputMediaKind> OutputsFor(MediaKind kind) =>
        [.. Enum.GetValues<OutputMediaKind>().Where(output => KindOf(output) == kind)];

    public static string Noun(MediaKind kind) => kind switch
    {
        MediaKind.Image => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio file",
        _ => "subtitle file",
    };
}
