using ReApi.Client.RateLimiting;
using StackExchange.Redis;

namespace ReApiWeb.Features.Upstream;

/// <summary>Gates shared by every instance through Redis (<c>ConnectionStrings:Redis</c>).</summary>
public sealed class RedisRateGates(IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisRateGate> logger) : IRateGates
{
    public IUpstreamRateGate Create(string scope, int perWindow, TimeSpan window) => new RedisRateGate(redis, scope, perWindow, window, time, logger);
}

/// <summary>
/// One account's budget for every instance at once: at most <c>limit</c> calls in any window, as a sliding log in Redis
/// kept by one atomic script on Redis's own clock (instances' clocks never disagree about a window). Submissions waiting
/// on any instance hold back polls and balance checks on all of them, and a pause after reAPI's 429 stops every
/// instance. While Redis cannot be reached no slot is granted, so no call goes out uncounted; calls wait and go on when
/// it answers again.
/// </summary>
public sealed partial class RedisRateGate : IUpstreamRateGate
{
    // KEYS: 1 the log of grants, 2 the pause, 3..5 who waits by kind (submit, poll, balance), scored by when that lapses.
    // ARGV: 1 limit, 2 window (µs), 3 kind, 4 the waiter, 5 a new grant's member, 6 how long a grant for a call stays
    // open until answered (µs; 0: a grant that counts from now). An open grant is scored in the future, so it counts
    // until AnswerScript scores it with the time of the answer.
    // Returns 0 when a slot was taken, else how long to wait (µs) before asking again.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local kind = tonumber(ARGV[3])
        local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
        if paused > now then return paused - now end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local higher = 0
        for k = 0, 2 do
          redis.call('ZREMRANGEBYSCORE', KEYS[3 + k], '-inf', now)
          if k < kind then higher = higher + redis.call('ZCARD', KEYS[3 + k]) end
        end
        local count = redis.call('ZCARD', KEYS[1])
        if count < limit and higher == 0 then
          local open = tonumber(ARGV[6])
          redis.call('ZADD', KEYS[1], now + open, ARGV[5])
          redis.call('PEXPIRE', KEYS[1], math.ceil((window + open) / 1000) * 2)
          redis.call('ZREM', KEYS[3 + kind], ARGV[4])
          return 0
        end
        redis.call('ZADD', KEYS[3 + kind], now + 2 * window, ARGV[4])
        redis.call('PEXPIRE', KEYS[3 + kind], math.ceil(window / 1000) * 4)
        local wait = 1000
        if higher > 0 then wait = 20000 end
        if count >= limit then
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          local free = tonumber(oldest[2]) + window - now
          -- Every slot is out with its call: look again shortly, one may be answered any moment.
          if free > window then free = 10000 end
          if free > wait then wait = free end
        end
        return wait
        """;

    // KEYS: 1 the log. ARGV: 1 a grant's member. Its call was answered: it counts from now for a window.
    private const string AnswerScript = """
        local t = redis.call('TIME')
        redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
        return 0
        """;

    // KEYS: 1 the log, 2 the pause. ARGV: 1 limit, 2 window (µs). Returns the slots free now (0 while paused).
    private const string AvailableScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        if tonumber(redis.call('GET', KEYS[2]) or '0') > now then return 0 end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        return tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
        """;

    // KEYS: 1 the pause. ARGV: 1 the pause (µs). Pauses until now + ARGV[1] unless already paused longer.
    private const string PauseScript = """
        local t = redis.call('TIME')
        local until_ = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
        if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
          redis.call('SET', KEYS[1], string.format('%.0f', until_), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
        end
        return 0
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly int _limit;
    private readonly long _windowMicros;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisKey[] _keys;
    private int _unreachable;

    public RedisRateGate(IConnectionMultiplexer redis, string scope, int limit, TimeSpan window, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        (_redis, _limit, _windowMicros, _time, _logger) = (redis, limit, (long)window.TotalMicroseconds, time, logger);

        // One hash tag, so the keys of one gate live on one node of a Redis cluster.
        var prefix = $"reapiweb:{{gate:{scope}}}:";
        _keys = [prefix + "log", prefix + "pause", prefix + "waiting:submit", prefix + "waiting:poll", prefix + "waiting:balance"];
    }

    /// <summary>Whether the last attempt to reach Redis failed (calls are held until it answers).</summary>
    public bool Unreachable => Volatile.Read(ref _unreachable) == 1;

    public async ValueTask<int> AvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (int)await _redis.GetDatabase().ScriptEvaluateAsync(AvailableScript, [_keys[0], _keys[1]], [_limit, _windowMicros]).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return 0;
        }
    }

    public async ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken) =>
        await TakeAsync(kind, Guid.NewGuid().ToString("N"), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IDisposable> AcquireUntilAnsweredAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
    {
        var member = Guid.NewGuid().ToString("N");
        await TakeAsync(kind, member, SlidingWindowRateGate.OpenLimit, cancellationToken).ConfigureAwait(false);
        return new Answered(() =>
        {
            try
            {
                _redis.GetDatabase().ScriptEvaluate(AnswerScript, [_keys[0]], [member], CommandFlags.FireAndForget);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The grant stays counted until its open limit runs out: fewer calls meanwhile, never more.
                LogUnreachable(e.Message);
            }
        });
    }

    private async ValueTask TakeAsync(UpstreamCallKind kind, string member, TimeSpan open, CancellationToken cancellationToken)
    {
        var waiter = Guid.NewGuid().ToString("N");
        var granted = false;
        try
        {
            while (true)
            {
                long wait;
                try
                {
                    wait = (long)await _redis.GetDatabase().ScriptEvaluateAsync(
                        AcquireScript, _keys, [_limit, _windowMicros, (int)kind, waiter, member, (long)open.TotalMicroseconds]).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (Interlocked.Exchange(ref _unreachable, 0) == 1)
                    {
                        LogReachable();
                    }
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    if (Interlocked.Exchange(ref _unreachable, 1) == 0)
                    {
                        LogUnreachable(e.Message);
                    }

                    wait = 1_000_000;
                }

                if (wait <= 0)
                {
                    granted = true;
                    return;
                }

                await Task.Delay(TimeSpan.FromMicroseconds(wait), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!granted)
            {
                // Given up (cancelled): no longer waiting, so polls elsewhere need not yield to it. Best effort: with Redis
                // away the registration lapses by itself within two windows.
                try
                {
                    _ = _redis.GetDatabase().SortedSetRemoveAsync(_keys[2 + (int)kind], waiter, CommandFlags.FireAndForget);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    LogUnreachable(e.Message);
                }
            }
        }
    }

    public void Pause(TimeSpan duration)
    {
        try
        {
            _redis.GetDatabase().ScriptEvaluate(PauseScript, [_keys[1]], [(long)duration.TotalMicroseconds], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnreachable(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis cannot be reached: no call goes to reAPI until it answers, so none is made uncounted ({Reason})")]
    private partial void LogUnreachable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: calls to reAPI go on")]
    private partial void LogReachable();
}
