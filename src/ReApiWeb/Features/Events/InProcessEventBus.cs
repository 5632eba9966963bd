using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ReApiWeb.Features.Events;

/// <summary>
/// The event bus of one process. Subscribers are indexed by topic, so an event visits only those that asked for one of
/// its topics; publishing appends to each one's queue under that subscriber's own lock and, when its handler is idle,
/// queues a drain on the thread pool. Nothing on the publisher's path waits for a handler.
/// </summary>
public sealed partial class InProcessEventBus(ILogger<InProcessEventBus> logger) : IEventBus
{
    private readonly ConcurrentDictionary<EventTopic, ImmutableArray<Subscriber>> _byTopic = new();
    private long _sequence;

    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>How many subscriptions are open (each counted once, whatever its topics).</summary>
    public int SubscriberCount => _byTopic.Values.SelectMany(s => s).Distinct().Count();

    /// <summary>How many subscriptions an event of <paramref name="topic"/> visits.</summary>
    public int SubscribersOf(EventTopic topic) => _byTopic.TryGetValue(topic, out var subscribers) ? subscribers.Length : 0;

    public void Publish(AppEvent appEvent)
    {
        ArgumentNullException.ThrowIfNull(appEvent);
        Interlocked.Increment(ref _sequence);
        ImmutableArray<Subscriber> first = default;
        HashSet<Subscriber>? reached = null;
        foreach (var topic in appEvent.Topics)
        {
            if (!_byTopic.TryGetValue(topic, out var subscribers))
            {
                continue;
            }

            if (first.IsDefault)
            {
                first = subscribers;
                foreach (var subscriber in subscribers)
                {
                    subscriber.Post(appEvent);
                }

                continue;
            }

            // A subscriber of two of the event's topics gets it once.
            reached ??= [.. first];
            foreach (var subscriber in subscribers)
            {
                if (reached.Add(subscriber))
                {
                    subscriber.Post(appEvent);
                }
            }
        }
    }

    /// <summary>
    /// Tells every subscriber that events may have been lost (a distributed bus was cut off from the others): each gets a
    /// batch marked <see cref="EventBatch.Missed"/>, so caches drop and pages reload.
    /// </summary>
    public void MissedEverything()
    {
        Interlocked.Increment(ref _sequence);
        foreach (var subscriber in _byTopic.Values.SelectMany(s => s).Distinct())
        {
            subscriber.Post(null);
        }
    }

    public IDisposable Subscribe(IReadOnlyCollection<EventTopic> topics, Func<EventBatch, Task> handler, int capacity = EventBatch.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var distinct = topics.Distinct().ToArray();
        var subscriber = new Subscriber(this, distinct, handler, capacity);
        foreach (var topic in distinct)
        {
            _byTopic.AddOrUpdate(topic, static (_, s) => [s], static (_, list, s) => list.Add(s), subscriber);
        }

        return subscriber;
    }

    private void Remove(Subscriber subscriber)
    {
        foreach (var topic in subscriber.Topics)
        {
            while (_byTopic.TryGetValue(topic, out var list))
            {
                var next = list.Remove(subscriber);
                var done = next.IsEmpty
                    ? _byTopic.TryRemove(new KeyValuePair<EventTopic, ImmutableArray<Subscriber>>(topic, list))
                    : _byTopic.TryUpdate(topic, next, list);
                if (done)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event handler failed (topics {Topics})")]
    private partial void LogHandlerFailed(Exception exception, string topics);

    /// <summary>One subscription: its queue, and at most one drain running at a time.</summary>
    private sealed class Subscriber(InProcessEventBus bus, EventTopic[] topics, Func<EventBatch, Task> handler, int capacity) : IDisposable, IThreadPoolWorkItem
    {
        private readonly Lock _gate = new();
        private List<AppEvent> _pending = [];
        private Dictionary<object, int>? _positions;
        private bool _missed;
        private bool _draining;
        private bool _closed;

        public EventTopic[] Topics => topics;

        /// <summary>Queues <paramref name="appEvent"/>; null says events were lost (the next batch is marked missed).</summary>
        public void Post(AppEvent? appEvent)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                if (appEvent is null)
                {
                    _missed = true;
                }
                else if (appEvent.CoalesceKey is { } key && _positions?.TryGetValue(key, out var at) == true)
                {
                    _pending[at] = appEvent;
                }
                else if (_pending.Count < capacity)
                {
                    if (appEvent.CoalesceKey is { } newKey)
                    {
                        (_positions ??= [])[newKey] = _pending.Count;
                    }

                    _pending.Add(appEvent);
                }
                else
                {
                    _missed = true;
                }

                if (_draining)
                {
                    return;
                }

                _draining = true;
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

        private async Task DrainAsync()
        {
            while (true)
            {
                EventBatch batch;
                lock (_gate)
                {
                    if (_closed || (_pending.Count == 0 && !_missed))
                    {
                        _draining = false;
                        return;
                    }

                    batch = new EventBatch(_pending, _missed);
                    _pending = [];
                    _positions?.Clear();
                    _missed = false;
                }

                try
                {
                    await handler(batch);
                }
                catch (Exception e)
                {
                    bus.LogHandlerFailed(e, string.Join(", ", topics));
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                _pending = [];
            }

            bus.Remove(this);
        }
    }
}
