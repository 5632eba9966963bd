namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// <c>dotnet ReApiWeb.dll health [URL]</c>: asks a running app's readiness (<c>/health</c>: the database answers, no
/// migration pending, Redis reachable when configured) and exits 0 when it is ready, 1 when not. The container image's
/// HEALTHCHECK (it has no curl); by default it asks this machine's first <c>ASPNETCORE_HTTP_PORTS</c> port (8080).
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunCommandAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
        var given = args.Length > 1 ? args[1] : $"http://127.0.0.1:{port}/health";
        if (!Uri.TryCreate(given, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await errors.WriteLineAsync($"Give the address of the app's /health: dotnet ReApiWeb.dll health http://127.0.0.1:8080/health (not \"{given}\").");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            await (response.IsSuccessStatusCode ? output : errors).WriteLineAsync($"{url}: {(int)response.StatusCode} {body.Trim()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await errors.WriteLineAsync($"{url}: no answer ({e.Message})");
            return 1;
        }
    }
}
