namespace ReApiWeb.Data;

/// <summary>Where a job is. Terminal: Completed, Failed, Rejected, Cancelled. Needing a person: Unconfirmed, Stalled.</summary>
public enum JobStatus
{
    /// <summary>Stored; the POST to reAPI is under way.</summary>
    Submitting,

    /// <summary>reAPI accepted the task (and charged it); the poller follows it.</summary>
    Processing,

    /// <summary>reAPI finished the task; outputs are recorded.</summary>
    Completed,

    /// <summary>reAPI ended the task in failure and refunded it.</summary>
    Failed,

    /// <summary>reAPI refused the POST before creating a task (nothing charged), or it never reached reAPI.</summary>
    Rejected,

    /// <summary>The POST may or may not have created a task; it is never re-sent by itself. A person must decide.</summary>
    Unconfirmed,

    /// <summary>No terminal state long after the model's limit; still polled slowly.</summary>
    Stalled,

    /// <summary>Its owner cancelled it before it was sent (the rest of a batch): nothing reached reAPI, nothing was charged.</summary>
    Cancelled,
}

public static class JobStatusExtensions
{
    /// <summary>Every state that is not terminal: the job still needs its account (to be sent, polled or resolved).</summary>
    public static readonly JobStatus[] Open = [JobStatus.Submitting, JobStatus.Processing, JobStatus.Unconfirmed, JobStatus.Stalled];

    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Rejected or JobStatus.Cancelled;

    /// <summary>States in which reAPI owns a task the poller must follow.</summary>
    public static bool IsInFlight(this JobStatus status) => status is JobStatus.Processing or JobStatus.Stalled;
}
