using System.Security.Cryptography;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ReApiWeb.Features.Telemetry;

/// <summary>Settings of the app's telemetry ("Telemetry" section). OTLP is set by OpenTelemetry's standard variables.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Off: no metrics or traces are collected or exported at all (the System page works either way).</summary>
    public bool Enabled { get; set; } = true;

    public PrometheusScrapeOptions Prometheus { get; set; } = new();
}

/// <summary>The <c>/metrics</c> endpoint for Prometheus: off unless enabled, and then only with its bearer token.</summary>
public sealed class PrometheusScrapeOptions
{
    public bool Enabled { get; set; }

    /// <summary>The bearer token Prometheus sends (<c>authorization: credentials:</c> in its scrape config); at least 16 characters.</summary>
    public string? Token { get; set; }
}

/// <summary>
/// OpenTelemetry for the app: its own meter (<see cref="AppMetrics"/>), ASP.NET Core's, Kestrel's, SignalR's and Blazor
/// circuits' meters, HttpClient's; traces of requests and upstream calls. Exported by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variables configure it), and for Prometheus at
/// <c>/metrics</c> when <c>Telemetry:Prometheus:Enabled</c> (with a bearer token).
/// </summary>
public static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>The meters besides the app's own: requests, Kestrel connections, SignalR connections, Blazor circuits.</summary>
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Components.Server.Circuits", "System.Net.Http",
    ];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TelemetryOptions.SectionName);
        builder.Services.AddOptions<TelemetryOptions>().Bind(section)
            .Validate(o => !o.Prometheus.Enabled || o.Enabled, "Telemetry:Prometheus:Enabled needs Telemetry:Enabled (metrics are not collected while telemetry is off).")
            .Validate(o => !o.Prometheus.Enabled || o.Prometheus.Token is { Length: >= 16 },
                "Telemetry:Prometheus:Token must be set (16 characters or more) when Telemetry:Prometheus:Enabled is true: Prometheus sends it as a bearer token.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AppMetrics>();
        builder.Services.AddSingleton<ActiveJobCounts>();
        builder.Services.AddSingleton<UpstreamActivity>();
        builder.Services.AddSingleton<SystemStatus>();
        builder.Services.AddSingleton<OperationsWarnings>();

        if (!section.GetValue("Enabled", true))
        {
            return builder;
        }

        // The active jobs' gauge counts in the database every 10 s: only while someone may read it.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ActiveJobCounts>());

        var otel = builder.Services.AddAppTelemetry(prometheus: section.GetValue<bool>("Prometheus:Enabled"));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// What the app measures and traces: its meter and the framework's, requests, upstream calls, database commands and
    /// each job's trace; exporters are added by the caller (the benchmark adds OTLP too, to measure the cost).
    /// </summary>
    public static IOpenTelemetryBuilder AddAppTelemetry(this IServiceCollection services, bool prometheus) =>
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("reapiweb", serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AppMetrics.MeterName).AddMeter(FrameworkMeters);
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing
                .AddSource(JobTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath) && !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation());

    /// <summary>Serves <c>/metrics</c> when enabled: a request without the right bearer token gets 401 and nothing else.</summary>
    public static WebApplication MapTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.Prometheus;
        if (!options.Enabled)
        {
            return app;
        }

        var expected = Encoding.UTF8.GetBytes("Bearer " + options.Token);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(MetricsPath), branch => branch.Use(async (context, next) =>
        {
            var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsync("Send the Telemetry:Prometheus:Token as a bearer token.\n");
                return;
            }

            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }
}
