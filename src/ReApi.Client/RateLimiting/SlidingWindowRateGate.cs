namespace ReApi.Client.RateLimiting;

/// <summary>
/// At most <c>limit</c> calls in any window of <c>window</c> length, measured as a sliding log so that
/// however reAPI aligns its 1-second windows we never exceed its count. Submissions waiting for a slot
/// hold back polls and balance checks.
/// </summary>
public sealed class SlidingWindowRateGate : IUpstreamRateGate
{
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _granted = new();
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

    public async ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
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
                        _granted.Enqueue(now);
                        return;
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

        // Wait until the oldest grant leaves the window; a lower priority call yields one short beat to the higher one.
        var untilFree = _granted.Count >= _limit ? _granted.Peek() + _window - now : TimeSpan.Zero;
        var minimum = TimeSpan.FromMilliseconds(higherWaiting ? 20 : 1);
        return untilFree > minimum ? untilFree : minimum;
    }

    private void Trim(DateTimeOffset now)
    {
        while (_granted.Count > 0 && _granted.Peek() + _window <= now)
        {
            _granted.Dequeue();
        }
    }
}
