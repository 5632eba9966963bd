using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Features.Credits.Components;

/// <summary>
/// A component showing credits that reloads when credits move for its person (or for everyone, when
/// <see cref="Everyone"/>), coalescing bursts and re-rendering on the circuit's context.
/// </summary>
public abstract class LiveCreditsComponent : ComponentBase, IDisposable
{
    private RefreshCoalescer? _refresh;

    [Inject]
    public required CreditEvents Events { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected CurrentUser? User { get; private set; }

    /// <summary>Reload on anyone's bookings, not just the signed-in person's (admin pages).</summary>
    protected virtual bool Everyone => false;

    protected override async Task OnInitializedAsync()
    {
        User = CurrentUser.From((await AuthenticationState).User);
        _refresh = new RefreshCoalescer(() => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        Events.Moved += OnMoved;
        if (User is not null)
        {
            await LoadAsync();
        }
    }

    protected abstract Task LoadAsync();

    private async void OnMoved(Guid userId)
    {
        if (User is null || !(Everyone || userId == User.Id || userId == Guid.Empty))
        {
            return;
        }

        try
        {
            await _refresh!.RequestAsync();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        Events.Moved -= OnMoved;
        GC.SuppressFinalize(this);
    }
}
