using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs.Components;

/// <summary>
/// A component that shows job data and reloads it when a relevant job event arrives over the notifier, coalescing
/// bursts and re-rendering on the circuit's context; errors go to the circuit via DispatchExceptionAsync.
/// </summary>
public abstract class LiveJobComponent : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private RefreshCoalescer? _refresh;

    [Inject]
    public required IJobNotifier Notifier { get; init; }

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
        _subscription = Notifier.Subscribe(OnJobEventAsync);
    }

    /// <summary>Loads (or reloads) what the component shows.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Whether an event concerns what this component shows.</summary>
    protected abstract bool IsRelevant(JobEvent jobEvent);

    private async Task OnJobEventAsync(JobEvent jobEvent)
    {
        if (User is null || !IsRelevant(jobEvent))
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
