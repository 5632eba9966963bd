namespace ReApiWeb.Features.Credits;

/// <summary>Tells open pages that credits moved (a hold, charge, release, refund or adjustment was booked, or a limit changed).</summary>
public sealed class CreditEvents
{
    /// <summary>Raised with the person concerned, or <see cref="Guid.Empty"/> when prices or limits changed for everyone.</summary>
    public event Action<Guid>? Moved;

    public void Notify(Guid userId) => Moved?.Invoke(userId);
}
