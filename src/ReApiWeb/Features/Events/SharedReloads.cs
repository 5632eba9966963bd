using System.Collections.Concurrent;

namespace ReApiWeb.Features.Events;

/// <summary>
/// One read for the open pages that reload the same data because of the same event: fifty tabs of one person's jobs
/// reload once for a job's change, not fifty times. A read is shared only while no event has been published since it
/// began (so it saw every change announced so far), for at most <see cref="Window"/> after it began, and only under
/// the same key, which must name the reader (what they may see) and every parameter of the read. The result is shared
/// as it is: only immutable results belong here.
/// </summary>
public sealed class SharedReloads(IEventBus bus, TimeProvider time)
{
    /// <summary>How long a read can be joined after it began.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    // Reads are kept past their end (pages reacting to one event do not all start at once); past this many, those that
    // can no longer be joined are dropped.
    private const int KeptBeforePurge = 256;

    private readonly ConcurrentDictionary<object, Flight> _flights = new();

    /// <summary>The result of a read of <paramref name="key"/> that can still be joined, or of <paramref name="read"/>.</summary>
    public async Task<T> ReadAsync<T>(object key, Func<Task<T>> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        var sequence = bus.Sequence;
        var now = time.GetTimestamp();
        if (_flights.TryGetValue(key, out var running) && Joinable(running, sequence, now) && !running.Read.IsFaulted && !running.Read.IsCanceled)
        {
            return (T)await running.Read;
        }

        if (_flights.Count >= KeptBeforePurge)
        {
            foreach (var (staleKey, stale) in _flights.Where(f => !Joinable(f.Value, sequence, now)))
            {
                _flights.TryRemove(new KeyValuePair<object, Flight>(staleKey, stale));
            }
        }

        var flight = new Flight(sequence, now, ReadAsObjectAsync(read));
        _flights[key] = flight;
        return (T)await flight.Read;
    }

    /// <summary>How many reads are kept (for tests).</summary>
    internal int Kept => _flights.Count;

    private bool Joinable(Flight flight, long sequence, long now) => flight.Sequence == sequence && time.GetElapsedTime(flight.Started, now) < Window;

    private static async Task<object> ReadAsObjectAsync<T>(Func<Task<T>> read)
        where T : class => await read();

    private sealed record Flight(long Sequence, long Started, Task<object> Read);
}
