using System.Diagnostics;

namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// One trace per job across admission, the POST, every poll, the outcome and the archive copy, although they run in
/// different loops (and after a restart): the trace id is the job's id, and each stage's span hangs off a root span id
/// derived from it. Spans carry the job's id, model and account; never its prompt, a key or a body.
/// </summary>
public static class JobTracing
{
    public const string SourceName = "ReApiWeb.Jobs";

    private static readonly ActivitySource Source = new(SourceName);

    public static ActivityTraceId TraceId(Guid jobId)
    {
        Span<byte> bytes = stackalloc byte[16];
        jobId.TryWriteBytes(bytes, bigEndian: true, out _);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>Starts a stage's span in the job's trace (null when nothing listens).</summary>
    public static Activity? Start(string stage, Guid jobId, string modelId, Guid? accountId, ActivityKind kind = ActivityKind.Internal)
    {
        Span<byte> bytes = stackalloc byte[16];
        jobId.TryWriteBytes(bytes, bigEndian: false, out _);
        var root = new ActivityContext(TraceId(jobId), ActivitySpanId.CreateFromBytes(bytes[8..]), ActivityTraceFlags.Recorded, isRemote: true);
        var activity = Source.StartActivity($"job {stage}", kind, root);
        activity?.SetTag("reapiweb.job.id", jobId.ToString());
        activity?.SetTag("reapiweb.model", modelId);
        activity?.SetTag("reapiweb.account", accountId?.ToString("N") ?? "sandbox");
        return activity;
    }

    /// <summary>Marks a stage's span failed with a reason a person can read (never a secret).</summary>
    public static void Failed(Activity? activity, string reason) => activity?.SetStatus(ActivityStatusCode.Error, reason);
}
