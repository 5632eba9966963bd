using ReApiWeb.Components.Shared;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Credits.Components;

/// <summary>
/// A component showing credits, loaded at once and reloaded when credits move for its person (or for anyone, when
/// <see cref="Everyone"/>), or when limits change for everyone.
/// </summary>
public abstract class LiveCreditsComponent : LiveComponent
{
    /// <summary>Reload on anyone's bookings, not just the signed-in person's (admin pages).</summary>
    protected virtual bool Everyone => false;

    protected override IEnumerable<EventTopic> Topics => Everyone
        ? [EventTopic.AllCredits]
        : [EventTopic.CreditsOf(User!.Id), EventTopic.CreditsOfEveryone];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        if (User is not null)
        {
            await LoadAsync();
        }
    }
}
