namespace ReApiWeb.Data;

/// <summary>Where the app keeps its files. The database path is <c>ConnectionStrings:Default</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The folder for the database (by default) and archived outputs.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where archived outputs go; defaults to <c>{DataDirectory}/outputs</c>.</summary>
    public string? OutputsDirectory { get; set; }

    /// <summary>The largest single output file the archive accepts.</summary>
    public long MaxOutputBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The most the whole archive may hold; past it, the oldest archived outputs are removed (their reAPI links are kept).</summary>
    public long MaxArchiveBytes { get; set; } = 50L * 1024 * 1024 * 1024;

    /// <summary>
    /// Hosts the archiver may fetch outputs from although they resolve to loopback or private addresses (reAPI's own
    /// host is always allowed); every other host must resolve to public addresses.
    /// </summary>
    public List<string> ArchiveAllowedHosts { get; set; } = [];

    /// <summary>Where "Back up now" on the System page writes (one folder per backup); defaults to <c>{DataDirectory}/backups</c>.</summary>
    public string? BackupsDirectory { get; set; }

    public string ResolvedOutputsDirectory => Path.GetFullPath(OutputsDirectory ?? Path.Combine(DataDirectory, "outputs"));

    public string ResolvedBackupsDirectory => Path.GetFullPath(BackupsDirectory ?? Path.Combine(DataDirectory, "backups"));
}
