namespace ReApiWeb.Data;

/// <summary>A file a member uploaded to use as a job's input; reAPI fetches it through an expiring public link.</summary>
public sealed class Upload
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid OwnerId { get; set; }

    /// <summary>The name the member's file had, for display only; never used as a path.</summary>
    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Path relative to the uploads folder.</summary>
    public required string StoragePath { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
