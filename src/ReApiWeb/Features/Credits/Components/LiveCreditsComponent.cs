using Microsoft.AspNetCore.Components;
using ReApiWeb.Components.Shared;

namespace ReApiWeb.Features.Credits.Components;

/// <summary>
/// A component showing credits, loaded at once and reloaded when credits move for its person (or for anyone, when
/// <see cref="Everyone"/>), or when limits change for everyone.
/// </summary>
public abstract class LiveCreditsComponent : LiveComponent
{
    [Inject]
    public required CreditEvents Events { get; init; }

    /// <summary>Reload on anyone's bookings, not just the signed-in person's (admin pages).</summary>
    protected virtual bool Everyone => false;

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        if (User is not null)
        {
            await LoadAsync();
        }
    }

    protected override IDisposable Subscribe()
    {
        void OnMoved(Guid userId)
        {
            if (Everyone || userId == User?.Id || userId == Guid.Empty)
            {
                _ = RefreshAsync();
            }
        }

        Events.Moved += OnMoved;
        return new Unsubscriber(() => Events.Moved -= OnMoved);
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
