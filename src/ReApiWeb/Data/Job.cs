namespace ReApiWeb.Data;

/// <summary>Who besides its owner (and admins) may see a job: the whole team, or no one.</summary>
public enum JobVisibility
{
    Private,
    Team,
}

/// <summary>One generation a person asked for, and everything learned about it since.</summary>
public sealed class Job
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid OwnerId { get; set; }

    public User? Owner { get; set; }

    public required string ModelId { get; set; }

    /// <summary>The prompt, kept apart from the request for listing and search.</summary>
    public string Prompt { get; set; } = "";

    /// <summary>The exact JSON body sent (or to be sent) to reAPI.</summary>
    public required string RequestJson { get; set; }

    /// <summary>One key per form instance: a double click or a re-sent form finds the first job instead of making a second.</summary>
    public Guid SubmissionKey { get; set; }

    public JobStatus Status { get; set; }

    /// <summary>
    /// The reAPI account this job is sent on, chosen at admission and stored before the POST; null: the built-in
    /// sandbox. Polls, refunds and reconciliation use it whatever changed since.
    /// </summary>
    public Guid? AccountId { get; set; }

    /// <summary>
    /// The instance that admitted the job, or the one whose POST of it started (<see cref="AppInstance"/>): until that
    /// instance is gone, the leader neither sends the job nor makes its POST Unconfirmed. Used when instances share the
    /// database; null for jobs made before.
    /// </summary>
    public Guid? InstanceId { get; set; }

    /// <summary>reAPI's task id, once reAPI accepted the POST.</summary>
    public string? TaskId { get; set; }

    public int? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>reAPI's <c>output</c> object as received, kept whole so no field is lost.</summary>
    public string? OutputJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether the team sees this job (read-only); set from the admin's default when it is made.</summary>
    public JobVisibility Visibility { get; set; } = JobVisibility.Private;

    /// <summary>
    /// When the POST to reAPI left (recorded just before it is sent). A job still Submitting without it never left,
    /// so after a crash it is sent then; one with it may have reached reAPI, so it needs a person.
    /// </summary>
    public DateTimeOffset? PostStartedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }

    /// <summary>How long the task ran upstream: the middle between the last poll that saw it running and the one that saw it done.</summary>
    public double? UpstreamSeconds { get; set; }

    /// <summary>
    /// How long the task had run when last seen running (null on jobs from before it was kept: then
    /// <see cref="UpstreamSeconds"/> counts as exact). With the middle it bounds the duration the scheduler learns from.
    /// </summary>
    public double? UpstreamSecondsAtLeast { get; set; }

    /// <summary>The request parameters that drive how long it runs (<c>ModelSpec.DurationClass</c>), e.g. <c>duration=10;resolution=1080p</c>.</summary>
    public string DurationClass { get; set; } = "";

    public int PollCount { get; set; }

    /// <summary>Why the last poll failed, when it did (shown on the job page, cleared by the next good poll).</summary>
    public string? LastPollError { get; set; }

    /// <summary>The batch (comparison, list of prompts, variations) this job was made in, if any.</summary>
    public Guid? BatchId { get; set; }

    /// <summary>Its place in <see cref="BatchId"/>'s batch, from 0: the compared model's column, the prompt's line.</summary>
    public int BatchIndex { get; set; }

    /// <summary>The job this one was made from (a remix, a retry, or one whose output is its input), if any.</summary>
    public Guid? SourceJobId { get; set; }

    public List<JobOutput> Outputs { get; set; } = [];
}
