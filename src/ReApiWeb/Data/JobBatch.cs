namespace ReApiWeb.Data;

/// <summary>Why several jobs were made together.</summary>
public enum JobBatchKind
{
    /// <summary>One prompt sent to several models at once, shown side by side.</summary>
    Compare,

    /// <summary>A list of prompts run with the same settings, sent one after another.</summary>
    Batch,

    /// <summary>The same request again, several times.</summary>
    Variations,
}

/// <summary>
/// Jobs a person made in one go (a comparison, a batch, variations): admitted together, all or none, with their total
/// cost confirmed up front. Its jobs carry <see cref="Job.BatchId"/> and their place in it.
/// </summary>
public sealed class JobBatch
{
    public const int MaxTitleLength = 200;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid OwnerId { get; set; }

    public User? Owner { get; set; }

    public JobBatchKind Kind { get; set; }

    /// <summary>What the person will recognise it by: the compared prompt, or the batch's first prompt and count.</summary>
    public string Title { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When its owner cancelled what had not been sent yet.</summary>
    public DateTimeOffset? CancelledAt { get; set; }
}
