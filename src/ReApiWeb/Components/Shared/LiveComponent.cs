using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Components.Shared;

/// <summary>
/// A component that shows data for the signed-in person and reloads it when the bus says it changed. It subscribes to
/// the topics of what it shows (<see cref="Topics"/>); the bus calls it one batch at a time, so a burst of events that
/// arrives during a reload costs one more reload, not one per event. Reloads run on the circuit's context; errors go to
/// the circuit via DispatchExceptionAsync.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private EventTopic[] _subscribed = [];
    private bool _disposed;
    private bool _reloadingForEvents;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    public required IEventBus Events { get; init; }

    [Inject]
    public required SharedReloads Reloads { get; init; }

    /// <summary>The signed-in person, known after <see cref="OnInitializedAsync"/>.</summary>
    protected CurrentUser? User { get; private set; }

    /// <summary>The topics of what the component shows now; call <see cref="Listen"/> when they change.</summary>
    protected abstract IEnumerable<EventTopic> Topics { get; }

    protected override async Task OnInitializedAsync()
    {
        User = CurrentUser.From((await AuthenticationState).User);
        Listen();
    }

    /// <summary>Loads (or reloads) what the component shows.</summary>
    protected abstract Task LoadAsync();

    /// <summary>
    /// Runs <paramref name="read"/>, or, while reloading because of events, shares it with the other pages that reload
    /// the same (<see cref="SharedReloads"/>): <paramref name="key"/> names the reader and every parameter of the read,
    /// and the result must be immutable. Loads for any other reason (the first, a person's action) always read anew.
    /// </summary>
    protected Task<T> ReadAsync<T>(object key, Func<Task<T>> read)
        where T : class => _reloadingForEvents ? Reloads.ReadAsync(key, read) : read();

    /// <summary>Whether a batch of events concerns what is shown (all of them do, unless a component narrows it).</summary>
    protected virtual bool IsRelevant(EventBatch batch) => true;

    /// <summary>Subscribes to <see cref="Topics"/> (again, if they changed since the last call).</summary>
    protected void Listen()
    {
        if (User is null || _disposed)
        {
            return;
        }

        var topics = Topics.Distinct().ToArray();
        if (_subscription is not null && topics.Length == _subscribed.Length && !topics.Except(_subscribed).Any())
        {
            return;
        }

        _subscription?.Dispose();
        _subscribed = topics;
        _subscription = topics.Length == 0 ? null : Events.Subscribe(topics, ReloadAsync);
    }

    private async Task ReloadAsync(EventBatch batch)
    {
        if (_disposed || (!batch.Missed && !IsRelevant(batch)))
        {
            return;
        }

        try
        {
            await InvokeAsync(async () =>
            {
                _reloadingForEvents = true;
                try
                {
                    await LoadAsync();
                }
                finally
                {
                    _reloadingForEvents = false;
                }

                StateHasChanged();
            });
        }
        catch (Exception e) when (!_disposed)
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
