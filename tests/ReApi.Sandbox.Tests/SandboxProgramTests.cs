using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ReApi.Sandbox.Tests;

/// <summary>The sandbox as a program of its own (a staging cluster's reAPI), configured from the environment.</summary>
public sealed class SandboxProgramTests
{
    [Fact]
    public async Task It_serves_reAPIs_api_with_the_key_it_is_given_and_answers_health_checks()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ReApi.Sandbox.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Sandbox__ApiKeys__0"] = "rk_staging_key";
        start.Environment["Sandbox__Durations__Image"] = "00:00:01";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitForHealthAsync(http, process, ct);

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "rk_staging_key");
            using var submitted = await http.PostAsync("api/v1/images/generations", new StringContent("""{"model":"z-image","prompt":"staging"}""", Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            Assert.Contains("\"status\":\"processing\"", await submitted.Content.ReadAsStringAsync(ct));

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "rk_some_other_key");
            using var refused = await http.GetAsync("api/v1/balance", ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(ct);
        }

        Assert.Contains("reAPI sandbox at http://127.0.0.1:" + port + "/api/v1", await output);
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process process, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            Assert.False(process.HasExited, "The sandbox exited before it answered.");
            try
            {
                using var health = await http.GetAsync("health", deadline.Token);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
