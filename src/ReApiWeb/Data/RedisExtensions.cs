using ReApiWeb.Features.Upstream;
using StackExchange.Redis;

namespace ReApiWeb.Data;

/// <summary>
/// Redis (<c>ConnectionStrings:Redis</c>, StackExchange.Redis's form, e.g. <c>redis:6379</c>) for what instances must
/// share: today each reAPI account's rate budget. Unset: every budget lives in this process (one instance).
/// </summary>
public static class RedisExtensions
{
    public static WebApplicationBuilder AddRedis(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetConnectionString("Redis") is not { Length: > 0 } configured)
        {
            return builder;
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configured);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a Redis connection string (e.g. \"redis:6379,password=...\"): {e.Message}", e);
        }

        // Started while Redis is down, the app comes up and reconnects by itself; calls to reAPI wait for it meanwhile.
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddSingleton<IRateGates, RedisRateGates>();
        return builder;
    }
}
