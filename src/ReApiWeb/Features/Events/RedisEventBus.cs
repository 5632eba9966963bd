using System.Collections.Frozen;
using System.Text.Json;
using StackExchange.Redis;

namespace ReApiWeb.Features.Events;

/// <summary>
/// The event bus of instances that share Redis: what this instance publishes reaches its own subscribers at once (the
/// in-process bus) and every other instance through one Redis channel; what arrives from the others is handed to this
/// instance's subscribers as if published here. Redis delivers a channel's messages in order and at most once: while
/// this instance is cut off from Redis it misses what the others publish, so when the connection comes back every
/// subscriber is told events were missed, and caches drop and pages reload.
/// </summary>
public sealed partial class RedisEventBus(InProcessEventBus local, IConnectionMultiplexer redis, Cluster.ClusterIdentity cluster, ILogger<RedisEventBus> logger) : IEventBus, IHostedService, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { IgnoreReadOnlyProperties = true };

    /// <summary>Every event type by name: events are plain records of this assembly, so any new one travels without registration.</summary>
    private static readonly FrozenDictionary<string, Type> Types = typeof(AppEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(AppEvent)) && !t.IsAbstract)
        .ToFrozenDictionary(t => t.Name);

    /// <summary>Tells this instance's messages from the others' (a Redis channel echoes them back).</summary>
    private readonly string _origin = Guid.NewGuid().ToString("N");

    private ChannelMessageQueue? _queue;

    /// <summary>The deployment's channel: instances of another deployment on the same Redis use another.</summary>
    private RedisChannel Channel => RedisChannel.Literal($"reapiweb:{cluster.Id ?? throw new InvalidOperationException("The deployment's id is read at start.")}:events");
    private readonly CancellationTokenSource _stopping = new();
    private Task _subscribing = Task.CompletedTask;

    public long Sequence => local.Sequence;

    public void Publish(AppEvent appEvent)
    {
        local.Publish(appEvent);
        if (appEvent.LocalOnly || cluster.Id is null)
        {
            // About this instance alone; or still migrating, before the deployment's id is read (nothing raises events then).
            return;
        }

        var envelope = JsonSerializer.Serialize(new Envelope(_origin, appEvent.GetType().Name, JsonSerializer.SerializeToElement(appEvent, appEvent.GetType(), Json)), Json);
        try
        {
            redis.GetSubscriber().Publish(Channel, envelope, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            // Cut off from Redis: the others will be told they missed events when this instance is back.
            LogPublishFailed(e, appEvent.GetType().Name);
        }
    }

    public IDisposable Subscribe(IReadOnlyCollection<EventTopic> topics, Func<EventBatch, Task> handler, int capacity = EventBatch.DefaultCapacity) =>
        local.Subscribe(topics, handler, capacity);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        _subscribing = SubscribeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Subscribes once Redis answers (the app starts while it is away too); the multiplexer then subscribes again by
    /// itself after every reconnection.
    /// </summary>
    private async Task SubscribeAsync(CancellationToken stopping)
    {
        var logged = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
                queue.OnMessage(Receive);
                _queue = queue;
                return;
            }
            catch (RedisException e)
            {
                if (!logged)
                {
                    LogSubscribeFailed(e);
                    logged = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync();
        await _subscribing;
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    public void Dispose() => _stopping.Dispose();

    private void Receive(ChannelMessage message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(message.Message.ToString(), Json);
            if (envelope is null || envelope.Origin == _origin)
            {
                return;
            }

            if (!Types.TryGetValue(envelope.Type, out var type) || envelope.Event.Deserialize(type, Json) is not AppEvent appEvent)
            {
                LogUnknown(envelope.Type);
                return;
            }

            local.Publish(appEvent);
        }
        catch (JsonException e)
        {
            LogUnreadable(e);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            LogReconnected();
            local.MissedEverything();
        }
    }

    private sealed record Envelope(string Origin, string Type, JsonElement Event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event ({Type}) could not be sent to the other instances: Redis is unreachable")]
    private partial void LogPublishFailed(Exception exception, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Events from other instances cannot be received yet: Redis is unreachable; trying every second")]
    private partial void LogSubscribeFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event of an unknown type ({Type}) came from another instance (a different version?); ignored")]
    private partial void LogUnknown(string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable event came from another instance; ignored")]
    private partial void LogUnreadable(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Back in touch with Redis: open pages and caches reload, as events may have been missed meanwhile")]
    private partial void LogReconnected();
}
