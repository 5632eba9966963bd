namespace ReApiWeb.Features.Events;

/// <summary>
/// A cached snapshot that every change drops, wherever it was made: the owner publishes an event of the topic after
/// each change, and the cache of each instance that receives it is emptied, so the next read loads afresh. A snapshot
/// loaded while a drop came in is not kept (it may predate the change).
/// </summary>
public sealed class SnapshotCache<T> : IDisposable
    where T : class
{
    private readonly Lock _lock = new();
    private readonly IDisposable _subscription;
    private T? _value;
    private long _generation;

    public SnapshotCache(IEventBus bus, EventTopic topic) => _subscription = bus.OnChange(topic, Drop);

    /// <summary>The snapshot, or null when none is kept; <paramref name="generation"/> goes to <see cref="Keep"/> after loading one.</summary>
    public T? Get(out long generation)
    {
        lock (_lock)
        {
            generation = _generation;
            return _value;
        }
    }

    /// <summary>Keeps a snapshot loaded after <see cref="Get"/> returned <paramref name="generation"/>, unless it was dropped since.</summary>
    public void Keep(T value, long generation)
    {
        lock (_lock)
        {
            if (_generation == generation)
            {
                _value = value;
            }
        }
    }

    public void Drop()
    {
        lock (_lock)
        {
            _generation++;
            _value = null;
        }
    }

    public void Dispose() => _subscription.Dispose();
}
