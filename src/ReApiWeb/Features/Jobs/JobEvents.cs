using ReApiWeb.Data;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Something changed about a job: its status, its poll, its archived outputs or its sharing. It reaches the job's own
/// page, its owner's gallery, the team's gallery when <paramref name="Shared"/> (the job is shared with the team, or has
/// just stopped being), and the hub's relay.
/// </summary>
public sealed record JobEvent(Guid JobId, Guid OwnerId, string ModelId, JobStatus Status, DateTimeOffset At, string? Message = null, bool Shared = false) : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => Shared
        ? [EventTopic.Job(JobId), EventTopic.JobsOf(OwnerId), EventTopic.SharedJobs, EventTopic.AllJobs]
        : [EventTopic.Job(JobId), EventTopic.JobsOf(OwnerId), EventTopic.AllJobs];

    /// <summary>A job's newer event replaces its older one in a slow subscriber's queue.</summary>
    public override object? CoalesceKey => JobId;
}
