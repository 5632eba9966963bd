using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReApi.Sandbox;

/// <summary>The sandbox as its own HTTP server on loopback, for tests, end-to-end runs and benchmarks.</summary>
public sealed class SandboxServer : IAsyncDisposable
{
    public const string ApiPrefix = "/api/v1";

    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        State = app.Services.GetRequiredService<SandboxState>();
    }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:41234/api/v1/</c>.</summary>
    public Uri BaseUri { get; }

    public SandboxState State { get; }

    public static async Task<SandboxServer> StartAsync(Action<SandboxOptions> configure, TimeProvider? time = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddReApiSandbox(configure);
        var app = builder.Build();
        app.MapReApiSandbox(ApiPrefix);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SandboxServer(app, new Uri(address.TrimEnd('/') + ApiPrefix + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
