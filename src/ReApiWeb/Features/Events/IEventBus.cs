namespace ReApiWeb.Features.Events;

/// <summary>
/// The app's one event bus. Publishing hands an event to the subscribers of its topics and returns at once: it never
/// waits for a subscriber, however slow. Each subscriber has its own bounded queue drained by one handler call at a
/// time; what arrives while the handler runs comes as one batch in the next call, newer events replacing older ones
/// with the same <see cref="AppEvent.CoalesceKey"/>, and a subscriber that falls further behind loses the overflow and
/// is told so (<see cref="EventBatch.Missed"/>), so it reloads. The in-process bus is the default; a distributed bus
/// implements the same interface and also delivers what other instances publish.
/// </summary>
public interface IEventBus
{
    /// <summary>Hands <paramref name="appEvent"/> to the subscribers of its topics; never waits for them.</summary>
    void Publish(AppEvent appEvent);

    /// <summary>
    /// How many events this instance has published (a distributed bus: published or received) so far, counted before
    /// any subscriber gets them: a read begun while the count is unchanged saw every change announced up to then.
    /// </summary>
    long Sequence { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> with the events of <paramref name="topics"/>, one call at a time, each event
    /// once even when it touches several of them. A handler's exception is logged and does not stop later calls.
    /// Disposing the subscription stops delivery (a call already running finishes).
    /// </summary>
    IDisposable Subscribe(IReadOnlyCollection<EventTopic> topics, Func<EventBatch, Task> handler, int capacity = EventBatch.DefaultCapacity);
}

/// <summary>Events delivered to a subscriber in one call, oldest first.</summary>
/// <param name="Events">The events, at most the subscriber's capacity.</param>
/// <param name="Missed">Events were dropped because the subscriber's queue was full: whatever it shows must be reloaded.</param>
public sealed record EventBatch(IReadOnlyList<AppEvent> Events, bool Missed)
{
    /// <summary>A subscriber's queue: enough for a page to coalesce bursts, small enough that a stalled one costs little.</summary>
    public const int DefaultCapacity = 256;
}

public static class EventBusExtensions
{
    /// <summary>Subscribes a handler that only needs to know that something of <paramref name="topic"/> changed.</summary>
    public static IDisposable OnChange(this IEventBus bus, EventTopic topic, Action handler) =>
        bus.Subscribe([topic], _ =>
        {
            handler();
            return Task.CompletedTask;
        });
}
