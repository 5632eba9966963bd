namespace ReApiWeb.Features.Auth;

/// <summary>
/// Says that a person's access changed (admin rights given or taken, disabled, signed out everywhere, a token revoked),
/// so that live connections opened with the old rights are checked again at once instead of at their next interval.
/// </summary>
public sealed class AccessChanges
{
    public event Action<Guid>? Changed;

    public void Notify(Guid userId) => Changed?.Invoke(userId);
}
