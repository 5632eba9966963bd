using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using ReApiWeb.Features.Events;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary>bUnit with MudBlazor (live, as on a connected page), a signed-in member, jobs held in memory and a real in-process event bus to push events.</summary>
public abstract class JobComponentTestContext : BunitContext
{
    protected JobComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IJobReader>(Reader);
        Services.AddSingleton<IEventBus>(Bus);
        // Its clock stands still: pages reloading for one event fall inside the sharing window however slow the machine.
        Services.AddSingleton(new SharedReloads(Bus, new Microsoft.Extensions.Time.Testing.FakeTimeProvider()));

        // The sharing switch's service, real; these tests never toggle it, so its database is never opened.
        Services.AddDbContextFactory<ReApiWeb.Data.AppDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ReApiWeb.Features.Admin.AuditLog>();
        Services.AddSingleton<JobSharing>();
        Services.AddSingleton<JobEstimates>();
        Services.AddSingleton(ReApi.Client.Catalog.ModelCatalog.Default);
        Services.AddSingleton<ReApiWeb.Features.Collections.Favourites>();
        Services.AddSingleton<ReApiWeb.Features.Collections.TeamCollections>();
        AddAuthorization().SetAuthorized("Member").SetClaims(new Claim(ClaimTypes.NameIdentifier, Me.ToString()));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected Guid Me { get; } = Guid.NewGuid();

    internal FakeJobReader Reader { get; } = new();

    protected InProcessEventBus Bus { get; } = new(NullLogger<InProcessEventBus>.Instance);
}
