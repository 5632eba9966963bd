namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>A task the scheduler follows.</summary>
public sealed record PollTarget(Guid JobId, Guid OwnerId, string TaskId, string ModelId, DateTimeOffset SubmittedAt);
