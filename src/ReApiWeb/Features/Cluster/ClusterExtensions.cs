using ReApiWeb.Data;

namespace ReApiWeb.Features.Cluster;

public static class ClusterExtensions
{
    /// <summary>
    /// The leadership: a lease on PostgreSQL (several instances may share it), always this instance on SQLite. Added
    /// before the services that run under it, so at shutdown they stop before the lease is handed on.
    /// </summary>
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClusterOptions>().Bind(builder.Configuration.GetSection(ClusterOptions.SectionName))
            .Validate(o => o.LeaseCheckInterval > TimeSpan.Zero && o.LeaseRetryInterval > TimeSpan.Zero && o.ReloadInterval > TimeSpan.Zero,
                "Cluster:LeaseCheckInterval, LeaseRetryInterval and ReloadInterval must be positive.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.InstanceTimeout >= 3 * o.HeartbeatInterval,
                "Cluster:HeartbeatInterval must be positive and Cluster:InstanceTimeout at least three heartbeats.")
            .ValidateOnStart();
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton<ClusterIdentity>();
        builder.Services.AddSingleton(sp => new RedisStatus(sp.GetRequiredService<Events.IEventBus>(), sp.GetRequiredService<ILogger<RedisStatus>>(),
            sp.GetService<StackExchange.Redis.IConnectionMultiplexer>()));
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        }

        // First, so it stops last: jobs are left in its name until the services that send them have stopped.
        builder.Services.AddSingleton<InstanceRegistry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InstanceRegistry>());
        if (database.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddSingleton<PostgresLeadership>();
            builder.Services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<PostgresLeadership>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresLeadership>());
        }
        else
        {
            builder.Services.AddSingleton<ILeadership, SoleLeadership>();
        }

        return builder;
    }
}
