namespace ReApiWeb.Features.Events;

public static class EventsExtensions
{
    /// <summary>The in-process event bus, and the interceptor that publishes what a transaction queued once it commits.</summary>
    public static WebApplicationBuilder AddEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IEventBus, InProcessEventBus>();
        builder.Services.AddSingleton<EventsOnCommit>();
        builder.Services.AddSingleton<SharedReloads>();
        return builder;
    }
}
