using ReApiWeb.Data;

namespace ReApiWeb.Features.Media;

/// <summary>
/// reAPI only fetches inputs from public http(s) URLs. With <see cref="PublicBaseUrl"/> set (the address at which
/// reAPI's providers can reach this app), members can upload files and reuse archived outputs through expiring links.
/// </summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>The app's public address, e.g. <c>https://reapiweb.example.com/</c>; uploads are off while unset.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a public link works. reAPI's providers may fetch an input well after the POST: at least an hour.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest file a member may upload.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>The most one person's uploads may hold at once (old uploads go after <see cref="UploadRetention"/>).</summary>
    public long MaxUploadBytesPerPerson { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The most all uploads together may hold.</summary>
    public long MaxUploadBytesTotal { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>How long uploads are kept; at least <see cref="LinkLifetime"/>.</summary>
    public TimeSpan UploadRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Where uploads go; defaults to <c>{Storage:DataDirectory}/uploads</c>.</summary>
    public string? UploadsDirectory { get; set; }

    public bool UploadsEnabled => PublicBaseUrl is not null;

    public string ResolveUploadsDirectory(StorageOptions storage) =>
        Path.GetFullPath(UploadsDirectory ?? Path.Combine(storage.DataDirectory, "uploads"));
}
