using ReApiWeb.Features.Events;
using StackExchange.Redis;

namespace ReApiWeb.Features.Cluster;

/// <summary>Whether this instance reaches Redis, when one is configured; pages say so while it does not.</summary>
public sealed partial class RedisStatus : IDisposable
{
    private readonly IConnectionMultiplexer? _redis;
    private readonly IEventBus _bus;
    private readonly ILogger<RedisStatus> _logger;

    public RedisStatus(IEventBus bus, ILogger<RedisStatus> logger, IConnectionMultiplexer? redis = null)
    {
        (_redis, _bus, _logger) = (redis, bus, logger);
        if (_redis is not null)
        {
            _redis.ConnectionFailed += OnChanged;
            _redis.ConnectionRestored += OnChanged;
        }
    }

    /// <summary>Whether Redis is configured (instances share it).</summary>
    public bool Configured => _redis is not null;

    /// <summary>Redis is configured and this instance cannot reach it: no call goes to reAPI meanwhile.</summary>
    public bool Unreachable => _redis is { IsConnected: false };

    private void OnChanged(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
        {
            return;
        }

        if (Unreachable)
        {
            LogUnreachable(e.FailureType.ToString());
        }

        _bus.Publish(new RedisReachability(!Unreachable));
    }

    public void Dispose()
    {
        if (_redis is not null)
        {
            _redis.ConnectionFailed -= OnChanged;
            _redis.ConnectionRestored -= OnChanged;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis is unreachable ({Failure}): no call goes to reAPI and pages say so until it answers again")]
    private partial void LogUnreachable(string failure);
}

/// <summary>This instance lost or regained Redis (pages show or hide their notice).</summary>
public sealed record RedisReachability(bool Reachable) : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => [EventTopic.Cluster];

    public override bool LocalOnly => true;
}

/// <summary>
/// Readiness with Redis configured: degraded (still 200, still in rotation) while it cannot be reached, as every page
/// but generation works and taking every instance out at once would take the whole site down.
/// </summary>
public sealed class RedisHealthCheck(RedisStatus status) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Unreachable
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded("Redis cannot be reached: jobs wait until it answers.")
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
}
