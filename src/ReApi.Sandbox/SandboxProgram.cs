using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReApi.Sandbox;

/// <summary>
/// The sandbox on its own, for a staging cluster whose instances must all reach one simulated reAPI account
/// (<c>dotnet run --project src/ReApi.Sandbox</c>): the API under <c>/api/v1</c>, <c>/health</c> for load balancers.
/// Configured from the <c>Sandbox</c> section (environment variables <c>Sandbox__ApiKeys__0</c>, ...); with no key
/// given it makes one and prints it. Listens on <c>http://localhost:5080</c> unless <c>--urls</c> says otherwise.
/// </summary>
public static class SandboxProgram
{
    public const string DefaultUrl = "http://localhost:5080";

    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // One line per request would drown what the sandbox says about itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var section = builder.Configuration.GetSection(SandboxOptions.SectionName);
        string? madeKey = null;
        builder.Services.AddReApiSandbox(options =>
        {
            section.Bind(options);
            if (options.ApiKeys.Count == 0)
            {
                madeKey = "rk_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                options.ApiKeys.Add(madeKey);
            }
        });

        var app = builder.Build();
        app.MapReApiSandbox(SandboxServer.ApiPrefix);
        app.MapGet("/health", () => Results.Text("ok"));
        await app.StartAsync();
        var addresses = string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + SandboxServer.ApiPrefix));
        app.Logger.LogInformation("reAPI sandbox at {Addresses}; its state lives in memory unless Sandbox:StateFile is set", addresses);
        if (madeKey is not null)
        {
            app.Logger.LogWarning("No Sandbox:ApiKeys given: this run accepts the key {Key} (give the app it as the account's key)", madeKey);
        }

        await app.WaitForShutdownAsync();
        return 0;
    }
}
