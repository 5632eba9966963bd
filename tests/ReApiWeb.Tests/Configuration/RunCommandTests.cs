using System.Net;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Configuration;

/// <summary>The README's run command is safe to expose: Production behaviour, with the app's styles and scripts served.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Dotnet_run_starts_in_production_with_its_static_assets()
    {
        var ct = TestContext.Current.CancellationToken;
        using var app = AppProcess.StartWithDotnetRun(TestApp.NewDataDirectory(), new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information" });
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        using var http = new HttpClient { BaseAddress = app.BaseUri };

        var login = await http.GetStringAsync("/login", ct);
        var stylesheet = System.Text.RegularExpressions.Regex.Match(login, "href=\"(_content/MudBlazor/[^\"]+\\.css)\"").Groups[1].Value;
        using var css = await http.GetAsync(stylesheet, ct);
        using var script = await http.GetAsync("/_framework/blazor.web.js", ct);
        using var missing = await http.GetAsync("/error-page-probe-" + Guid.NewGuid(), ct);

        Assert.Contains(app.Output, line => line.Contains("Hosting environment: Production", StringComparison.Ordinal));
        Assert.NotEmpty(stylesheet);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.DoesNotContain("Development", await missing.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }
}
