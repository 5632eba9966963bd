using ReApiWeb.Features.Telemetry;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Telemetry;

/// <summary><c>dotnet ReApiWeb.dll health</c>, the container's health check: 0 for a ready app, 1 for none, 2 for a bad address.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task The_probe_says_ready_for_a_running_app_and_not_for_an_address_nobody_answers()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await HealthProbe.RunCommandAsync(["health", new Uri(app.BaseUri, "/health").AbsoluteUri], output, errors));
        Assert.Contains("200 Healthy", output.ToString());

        Assert.Equal(1, await HealthProbe.RunCommandAsync(["health", $"http://127.0.0.1:{TestApp.FreePort()}/health"], output, errors));
        Assert.Contains("no answer", errors.ToString());

        Assert.Equal(2, await HealthProbe.RunCommandAsync(["health", "not-an-address"], output, errors));
    }
}
