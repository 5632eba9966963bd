using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.RateLimiting;
using ReApi.Sandbox;

namespace ReApiWeb.Features.Admin;

public static class UpstreamExtensions
{
    public static WebApplicationBuilder AddUpstream(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReApiOptions>().Bind(builder.Configuration.GetSection(ReApiOptions.SectionName))
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", "ReApi:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.RequestsPerSecond is >= 1 and <= 1000, "ReApi:RequestsPerSecond must be between 1 and 1000.")
            .Validate(o => o.RequestTimeoutSeconds is >= 5 and <= 600, "ReApi:RequestTimeoutSeconds must be between 5 and 600.")
            .Validate(o => o.RateWindowMilliseconds is >= 1000 and <= 5000, "ReApi:RateWindowMilliseconds must be between 1000 and 5000.")
            .ValidateOnStart();
        services.AddOptions<SandboxModeOptions>().Bind(builder.Configuration.GetSection(SandboxModeOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.SelfUrl) || Uri.TryCreate(o.SelfUrl, UriKind.Absolute, out _), "Sandbox:SelfUrl must be an absolute URL.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SharedKeyStore>();
        services.AddSingleton<UpstreamMode>();
        services.AddSingleton<UpstreamBalance>();
        services.AddSingleton<UnconfirmedJobs>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PeopleAdmin>();
        services.AddSingleton(new SandboxKey("rk_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))));
        services.AddSingleton<IReApiConnectionSource, AppConnectionSource>();
        services.AddSingleton<IUpstreamRateGate>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ReApiOptions>>().Value;
            return new SlidingWindowRateGate(options.RequestsPerSecond, TimeSpan.FromMilliseconds(options.RateWindowMilliseconds), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ReApiOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            };
            return new ReApiClient(http, sp.GetRequiredService<IReApiConnectionSource>(), sp.GetRequiredService<IUpstreamRateGate>(), sp.GetRequiredService<TimeProvider>());
        });

        var sandboxSection = builder.Configuration.GetSection(SandboxModeOptions.SectionName);
        var dataDirectory = builder.Configuration[$"{ReApiWeb.Data.StorageOptions.SectionName}:DataDirectory"] ?? "data";
        services.AddReApiSandbox(options =>
        {
            sandboxSection.Bind(options);
            options.StateFile ??= Path.Combine(dataDirectory, "sandbox-state.json");
        });
        return builder;
    }

    /// <summary>Seeds the key from configuration on the very first run only, and lets the embedded sandbox accept this process's key.</summary>
    public static async Task PrepareUpstreamAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var sandbox = services.GetRequiredService<SandboxOptions>();
        sandbox.ApiKeys.Add(services.GetRequiredService<SandboxKey>().Value);
        var seed = services.GetRequiredService<IOptions<ReApiOptions>>().Value.ApiKey;
        if (!string.IsNullOrWhiteSpace(seed))
        {
            await services.GetRequiredService<SharedKeyStore>().SeedAsync(seed, cancellationToken);
        }
    }

    public static IEndpointRouteBuilder MapEmbeddedSandbox(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<UpstreamMode>().SandboxMounted)
        {
            endpoints.MapReApiSandbox(AppConnectionSource.SandboxPath);
        }

        return endpoints;
    }
}
