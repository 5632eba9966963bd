namespace ReApiWeb.Features.Events;

public static class EventsExtensions
{
    /// <summary>The event bus (in-process; shared through Redis when <c>ConnectionStrings:Redis</c> is set), and the interceptor that publishes what a transaction queued once it commits.</summary>
    public static WebApplicationBuilder AddEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InProcessEventBus>();
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            // Instances that share Redis share their events.
            builder.Services.AddSingleton<RedisEventBus>();
            builder.Services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<RedisEventBus>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisEventBus>());
        }
        else
        {
            builder.Services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<InProcessEventBus>());
        }

        builder.Services.AddSingleton<EventsOnCommit>();
        builder.Services.AddSingleton<SharedReloads>();
        return builder;
    }
}
