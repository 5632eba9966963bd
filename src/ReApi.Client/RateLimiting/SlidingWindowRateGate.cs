namespace ReApi.Client.RateLimiting;

/// <summary>
/// At most <c>limit</c> calls in any window of <c>window</c> length, measured as a sliding log so that
/// however reAPI aligns its 1-second windows we never exceed its count. Submissions waiting for a slot
/// hold back polls and balance checks. A slot taken for a call (<see cref="AcquireUntilAnsweredAsync"/>) counts until
/// the call is answered, then for a window: at most <see cref="OpenLimit"/> if it is never said to be.
/// </summary>
public sealed class SlidingWindowRateGate : IUpstreamRateGate
{
    private readonly Lock _lock = new();
    /// <summary>
    /// Past this, a slot never said to be answered counts as answered: a call reaches reAPI within seconds of its grant
    /// if at all, and a slot whose caller is gone (an instance that died with calls out) must not hold the budget long.
    /// </summary>
    public static readonly TimeSpan OpenLimit = TimeSpan.FromSeconds(30);

    private readonly List<Slot> _granted = [];
    private readonly int[] _waiting = new int[3];
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public SlidingWindowRateGate(int limit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _window = window;
        _time = time;
    }

    /// <summary>Calls granted in the current window (for diagnostics and tests).</summary>
    public int InWindow
    {
        get
        {
            lock (_lock)
            {
                Trim(_time.GetUtcNow());
                return _granted.Count;
            }
        }
    }

    public ValueTask<int> AvailableAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Trim(now);
            return ValueTask.FromResult(_pausedUntil > now ? 0 : _limit - _granted.Count);
        }
    }

    public async ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken) =>
        await TakeAsync(kind, open: false, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IDisposable> AcquireUntilAnsweredAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
    {
        var slot = await TakeAsync(kind, open: true, cancellationToken).ConfigureAwait(false);
        return new Answered(() =>
        {
            lock (_lock)
            {
                (slot.At, slot.Open) = (_time.GetUtcNow(), false);
            }
        });
    }

    private async ValueTask<Slot> TakeAsync(UpstreamCallKind kind, bool open, CancellationToken cancellationToken)
    {
        var waitingCounted = false;
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var now = _time.GetUtcNow();
                    Trim(now);
                    wait = WaitFor(kind, now);
                    if (wait <= TimeSpan.Zero)
                    {
                        var slot = new Slot { At = now, Open = open };
                        _granted.Add(slot);
                        return slot;
                    }

                    if (!waitingCounted)
                    {
                        _waiting[(int)kind]++;
                        waitingCounted = true;
                    }
                }

                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (waitingCounted)
            {
                lock (_lock)
                {
                    _waiting[(int)kind]--;
                }
            }
        }
    }

    public void Pause(TimeSpan duration)
    {
        lock (_lock)
        {
            var until = _time.GetUtcNow() + duration;
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    private TimeSpan WaitFor(UpstreamCallKind kind, DateTimeOffset now)
    {
        if (_pausedUntil > now)
        {
            return _pausedUntil - now;
        }

        var higherWaiting = false;
        for (var k = 0; k < (int)kind; k++)
        {
            higherWaiting |= _waiting[k] > 0;
        }

        if (_granted.Count < _limit && !higherWaiting)
        {
            return TimeSpan.Zero;
        }

        // Wait until the first answered grant leaves the window (while every slot is out, look again shortly: one may be
        // answered any moment); a lower priority call yields one short beat to the higher one.
        var untilFree = _granted.Count < _limit ? TimeSpan.Zero
            : _granted.Where(s => !s.Open).Select(s => s.At + _window - now).DefaultIfEmpty(TimeSpan.FromMilliseconds(10)).Min();
        var minimum = TimeSpan.FromMilliseconds(higherWaiting ? 20 : 1);
        return untilFree > minimum ? untilFree : minimum;
    }

    private void Trim(DateTimeOffset now)
    {
        foreach (var slot in _granted.Where(s => s.Open && now - s.At >= OpenLimit))
        {
            (slot.At, slot.Open) = (slot.At + OpenLimit, false);
        }

        _granted.RemoveAll(s => !s.Open && s.At + _window <= now);
    }

    private sealed class Slot
    {
        public DateTimeOffset At { get; set; }

        public bool Open { get; set; }
    }
}
