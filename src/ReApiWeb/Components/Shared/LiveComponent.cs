using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Components.Shared;

/// <summary>
/// A component that shows data for the signed-in person and reloads it when an event says it changed: bursts are
/// coalesced into one reload, which runs on the circuit's context; errors go to the circuit via DispatchExceptionAsync.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private RefreshCoalescer? _refresh;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The signed-in person, known after <see cref="OnInitializedAsync"/>.</summary>
    protected CurrentUser? User { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        User = CurrentUser.From((await AuthenticationState).User);
        _refresh = new RefreshCoalescer(() => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        _subscription = Subscribe();
    }

    /// <summary>Loads (or reloads) what the component shows.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Starts listening for changes; each relevant one calls <see cref="RefreshAsync"/>.</summary>
    protected abstract IDisposable Subscribe();

    /// <summary>Asks for a reload (coalesced with others already asked for).</summary>
    protected async Task RefreshAsync()
    {
        if (User is null)
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
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
