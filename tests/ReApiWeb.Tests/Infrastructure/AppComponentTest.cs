using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Pages and components in bUnit, live (interactive), over a real app's services: its catalog, prices, allowances and
/// database. A test signs someone in with <see cref="SignIn"/> before it renders.
/// </summary>
public abstract class AppComponentTest : BunitContext, IAsyncLifetime
{
    protected TestApp App { get; private set; } = default!;

    public virtual ValueTask InitializeAsync()
    {
        App = TestApp.Start(TestApp.NewDataDirectory());
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddFallbackServiceProvider(App.Services);
        return ValueTask.CompletedTask;
    }

    /// <summary>The person the rendered pages see as signed in, on a live page (before the first render: bUnit takes no services after it).</summary>
    protected void SignIn(Guid id, string name, bool admin = false)
    {
        var authorization = AddAuthorization().SetAuthorized(name);
        if (admin)
        {
            authorization.SetRoles(AuthPolicies.AdminRole);
        }

        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, id.ToString()));

        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>Waits (10 s at most) for what a click started to reach the database.</summary>
    protected static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "The change never reached the database.");
            await Task.Delay(20);
        }
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
