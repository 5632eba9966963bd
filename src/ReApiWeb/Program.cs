using Microsoft.Extensions.Options;
using MudBlazor.Services;
using ReApiWeb.Components;
using ReApiWeb.Features.Api;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Chat;
using ReApiWeb.Features.Cluster;
using ReApiWeb.Features.Collections;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Media;
using ReApiWeb.Features.Telemetry;
using ReApiWeb.Features.Templates;

// dotnet ReApiWeb.dll backup FOLDER | restore FOLDER: a copy of the data while the app runs, or back into an empty data folder.
if (args is ["backup" or "restore", ..])
{
    var tool = WebApplication.CreateBuilder([.. args.Skip(2)]);
    return await Backups.RunCommandAsync(args, tool.Configuration, Console.Out, Console.Error);
}

// dotnet ReApiWeb.dll health [URL]: whether a running app is ready (the container's health check).
if (args is ["health", ..])
{
    return await HealthProbe.RunCommandAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

// Serves the static assets of referenced packages (MudBlazor) from the build output under `dotnet run` in every
// environment; a published app has them in wwwroot, and this does nothing there.
builder.WebHost.UseStaticWebAssets();

builder.AddAppData();
builder.AddRedis();
builder.AddCluster();
builder.AddEvents();
builder.AddAuth();
builder.AddUpstream();
builder.AddJobs();
builder.AddCollections();
builder.AddPromptTemplates();
builder.AddCredits();
builder.AddChat();
builder.AddTelemetry();
builder.AddRetention();
builder.AddMedia();
builder.AddApi();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

// Every misconfiguration is reported at once, before anything touches the database.
app.Services.GetRequiredService<IStartupValidator>().Validate();
var folders = DataExtensions.WritableFolders(app.Services).Append(MediaExtensions.UploadsFolder(app.Services));
if (StorageCheck.Problems(folders, app.Logger) is { Count: > 0 } unwritable)
{
    app.Logger.LogCritical("ReApiWeb cannot start: {Problems}", string.Join(" ", unwritable));
    await app.DisposeAsync(); // flushes the log
    return 1;
}

// Instances starting together on one database (PostgreSQL) take turns: one migrates and seeds, the others find it done.
try
{
    await using (await StartupLock.AcquireAsync(app.Services, CancellationToken.None))
    {
        await app.Services.MigrateDatabaseAsync();
        await app.Services.GetRequiredService<ClusterIdentity>().EnsureAsync(app.Services, CancellationToken.None);
        await app.Services.GetRequiredService<BootstrapAdmin>().EnsureAsync(CancellationToken.None);
        await app.Services.PrepareUpstreamAsync(CancellationToken.None);
        await app.Services.GetRequiredService<CreditTotals>().RebuildIfNeededAsync(CancellationToken.None);
    }
}
catch (System.Data.Common.DbException e)
{
    // A database that is missing, refuses the user or cannot be reached: say which and why, not a stack trace.
    app.Logger.LogCritical("ReApiWeb cannot start: the database (ConnectionStrings:Default) cannot be used: {Reason}", e.Message);
    await app.DisposeAsync();
    return 1;
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler(new ExceptionHandlerOptions
    {
        ExceptionHandlingPath = "/error",
        CreateScopeForErrors = true,

        // A request the server could not read is the client's mistake (400, 413), not a server error.
        StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
    });
    app.UseHsts();
}

app.UseCompressedPackageAssets();

// Browsers get a page for a bare status code; API, hub and file clients keep the plain status. Before routing, so the
// re-executed request is routed to the not-found page (after it, an unknown address came back as an empty 404).
app.UseWhen(
    context => HttpMethods.IsGet(context.Request.Method) && !AuthExtensions.IsMachinePath(context.Request.Path),
    branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseRouting();
app.UseSecurityHeaders();
app.UseSameOriginHubs();

app.UseApiStatusCodes();
app.UseOpenAiStatusCodes();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
// Readiness (/health: the database answers and has no pending migration) and liveness (/alive: the process serves).
app.MapHealthChecks("/health").AllowAnonymous();
app.MapHealthChecks("/alive", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapAuthEndpoints();
app.MapAuditExport();
app.MapJobs();
app.MapCollections();
app.MapCredits();
app.MapMedia();
app.MapReApiCompatibleApi();
app.MapChat();
app.MapTelemetry();
app.MapEmbeddedSandbox();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

/// <summary>The app's entry point; public for WebApplicationFactory in tests.</summary>
public partial class Program;
