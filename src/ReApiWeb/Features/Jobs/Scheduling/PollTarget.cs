namespace ReApiWeb.Features.Jobs.Scheduling;

/// <summary>
/// A task the scheduler follows, on the account it was sent on (null: the built-in sandbox); its
/// <paramref name="DurationClass"/> says which of its model's duration distributions it is drawn from.
/// </summary>
public sealed record PollTarget(Guid JobId, Guid OwnerId, string TaskId, string ModelId, DateTimeOffset SubmittedAt, Guid? AccountId = null, string DurationClass = "");
