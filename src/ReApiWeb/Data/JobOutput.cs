namespace ReApiWeb.Data;

public enum OutputMediaKind
{
    Image,
    Video,
    Audio,
    LastFrame,
}

/// <summary>One file a job produced: where reAPI put it, and the app's own archived copy.</summary>
public sealed class JobOutput
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid JobId { get; set; }

    public int Index { get; set; }

    public OutputMediaKind Kind { get; set; }

    public required string UpstreamUrl { get; set; }

    /// <summary>What reAPI called this file (an audio track's label, type or title), when it said.</summary>
    public string? Label { get; set; }

    /// <summary>Path of the archived copy, relative to the outputs folder; null until archived.</summary>
    public string? StoragePath { get; set; }

    public string? ContentType { get; set; }

    public long? SizeBytes { get; set; }

    /// <summary>Path of the small preview made when the output was archived (beside it, relative to the outputs folder).</summary>
    public string? ThumbnailPath { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public int ArchiveAttempts { get; set; }

    public string? ArchiveError { get; set; }

    /// <summary>When the archived copy was deleted to keep the archive under its size limit; it is not copied again.</summary>
    public DateTimeOffset? EvictedAt { get; set; }

    /// <summary>The instance copying it now, so no other instance fetches it at the same time (see <see cref="ArchiveClaimedUntil"/>).</summary>
    public Guid? ArchiveClaimedBy { get; set; }

    /// <summary>Until when the claim holds; past it (the instance died mid-copy) another instance may take the output over.</summary>
    public DateTimeOffset? ArchiveClaimedUntil { get; set; }
}
