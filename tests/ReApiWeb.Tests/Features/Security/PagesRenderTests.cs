using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Security;

/// <summary>
/// Every page without parameters, as an admin, on SQLite and on PostgreSQL, renders without the error notice. SQLite's
/// "async" calls finish before they return, so a page that renders half-loaded only fails on PostgreSQL (New job did).
/// </summary>
public sealed class PagesRenderTests(PostgresServer postgres)
{
    private const string ErrorNotice = "Something went wrong on this page";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_page_renders_for_an_admin(bool onPostgres)
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?>();
        if (onPostgres)
        {
            await postgres.UseAsync(settings);
        }

        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        using var admin = await app.SignedInClientAsync();
        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null && e.RoutePattern.Parameters.Count == 0)
            .Select(e => e.RoutePattern.RawText!)
            .Where(path => !path.StartsWith("/login", StringComparison.Ordinal) && !path.StartsWith("/account/", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.Contains("/jobs/new", pages);

        var broken = new List<string>();
        foreach (var page in pages)
        {
            using var response = await admin.GetAsync(page, ct);
            var html = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.NotFound) || html.Contains(ErrorNotice, StringComparison.Ordinal))
            {
                broken.Add($"{page} ({(int)response.StatusCode})");
            }
        }

        Assert.True(broken.Count == 0, "Pages that failed: " + string.Join(", ", broken) + "\n" + string.Join("\n", app.LogLines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(5)));
    }
}
