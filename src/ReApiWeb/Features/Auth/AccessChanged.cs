using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Auth;

/// <summary>
/// A person's access changed (admin rights given or taken, disabled, signed out everywhere, a token revoked), so that
/// live connections opened with the old rights are checked again at once instead of at their next interval.
/// </summary>
public sealed record AccessChanged(Guid PersonId) : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => [EventTopic.Access];

    public override object? CoalesceKey => (nameof(AccessChanged), PersonId);
}
