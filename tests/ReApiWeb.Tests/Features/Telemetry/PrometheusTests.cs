using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Telemetry;

/// <summary>
/// A real Prometheus (Debian's, on a free port) scrapes the app's <c>/metrics</c> with its bearer token while jobs and a
/// chat reply go through the sandbox: the app's own metrics arrive with their labels; without the token nothing is served.
/// </summary>
public sealed class PrometheusTests
{
    private const string Key = "rk_live_prometheus_tests";
    private const string ScrapeToken = "scrape-token-0123456789";

    /// <remarks>
    /// The app runs as its own process: meters are matched by name across a process, so in-process test apps would see
    /// each other's metrics (one app per process, as in production, sees only its own).
    /// </remarks>
    [Fact]
    public async Task Prometheus_scrapes_the_apps_metrics_with_its_token_and_nobody_else_reads_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await ReApi.Sandbox.SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[ReApi.Client.Catalog.OutputKind.Image] = TimeSpan.FromMilliseconds(300);
        });
        var data = TestApp.NewDataDirectory();
        var settings = TestApp.UpstreamSettings(sandbox.BaseUri, Key);
        settings["Telemetry:Prometheus:Enabled"] = "true";
        settings["Telemetry:Prometheus:Token"] = ScrapeToken;
        // The script below asks every 100 ms and then chats at once: past the API's 10 requests a second per person
        // (reAPI's, tested on its own), which would answer 429 here. This test is about what gets measured.
        settings["Api:RequestsPerSecondPerPerson"] = "1000";
        string token;
        Guid account;
        await using (var setup = TestApp.Start(data, settings))
        {
            token = (await setup.Services.GetRequiredService<PersonalTokens>().CreateAsync(await setup.AdminIdAsync(), "metrics", TimeSpan.FromDays(1), CancellationToken.None)).Secret;
            account = (await setup.DefaultAccountIdAsync())!.Value;
        }

        using var app = AppProcess.Start(data, settings);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using (var anonymous = new HttpClient { BaseAddress = app.BaseUri })
        {
            using var refused = await anonymous.GetAsync("/metrics", ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-0123456789");
            using var wrong = await anonymous.GetAsync("/metrics", ct);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Work to measure: a job through to its archived output, and a chat reply, both from a script.
        using (var http = new HttpClient { BaseAddress = app.BaseUri })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var submitted = await http.PostAsync("/api/v1/images/generations", new StringContent("""{"model":"z-image","prompt":"measured"}""", Encoding.UTF8, "application/json"), ct);
            var taskId = JsonNode.Parse(await submitted.Content.ReadAsStringAsync(ct))!["id"]!.ToString();
            await TestApp.UntilAsync(async () =>
            {
                var task = JsonNode.Parse(await http.GetStringAsync($"/api/v1/tasks/{taskId}", ct))!;
                return task["status"]!.ToString() == "completed" && task["output"]!["image_urls"]!.AsArray().All(u => u!.ToString().Contains("/outputs/", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(60), "the job completed and its output was archived");
            var body = """{"model":"deepseek-v4-flash","messages":[{"role":"user","content":"count me"}]}""";
            using var reply = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        await using var prometheus = await PrometheusServer.StartAsync(app.BaseUri, ScrapeToken);
        var label = account.ToString("N");
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_requests_total{{account=\"{label}\",kind=\"submit\",status=\"200\"}}", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_requests_total{{account=\"{label}\",kind=\"poll\"}}", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_requests_total{{account=\"{label}\",kind=\"chat\",status=\"200\"}}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_ledger_credits_total{kind=\"charge\",source=\"job\"}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_ledger_credits_total{kind=\"charge\",source=\"chat\"}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_jobs_admitted_total{model=\"z-image\"}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_jobs_finished_total{status=\"completed\"}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_jobs_detection_delay_seconds_count", ct);
        await prometheus.UntilSeriesAsync("reapiweb_chat_tokens_total{direction=\"output\",model=\"deepseek-v4-flash\"}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_archive_bytes_total", ct);
        await prometheus.UntilSeriesAsync("http_server_request_duration_seconds_count", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_gate_wait_seconds_count{{account=\"{label}\",budget=\"tasks\",kind=\"poll\"}}", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_gate_wait_seconds_count{{account=\"{label}\",budget=\"chat\",kind=\"submit\"}}", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_upstream_budget_utilization{{account=\"{label}\",budget=\"tasks\"}}", ct);
        await prometheus.UntilSeriesAsync($"reapiweb_jobs_active{{account=\"{label}\",status=\"processing\"}}", ct);
        await prometheus.UntilSeriesAsync("reapiweb_jobs_admission_duration_seconds_count", ct);
        await prometheus.UntilSeriesAsync("reapiweb_jobs_submission_wait_seconds_count", ct);

        // Buckets in seconds, not the SDK's millisecond defaults (under which every answer fell into the first bucket).
        await prometheus.UntilSeriesAsync("reapiweb_upstream_request_duration_seconds_bucket{le=\"0.25\"}", ct);
    }

    /// <summary>Debian's prometheus on a free loopback port, scraping one target every second, its data in a temp folder.</summary>
    private sealed class PrometheusServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;
        private readonly string _folder;

        private PrometheusServer(Process process, Uri baseUri, string folder)
        {
            _process = process;
            _folder = folder;
            _http = new HttpClient { BaseAddress = baseUri };
        }

        public static async Task<PrometheusServer> StartAsync(Uri target, string token)
        {
            var folder = TestApp.NewDataDirectory();
            var config = Path.Combine(folder, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: reapiweb
                    metrics_path: /metrics
                    authorization:
                      credentials: {token}
                    static_configs:
                      - targets: ['{target.Authority}']
                """);
            var port = TestApp.FreePort();
            var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (the test command installs Debian's prometheus).");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}/"), folder);
            await TestApp.UntilAsync(async () =>
            {
                try
                {
                    return (await server._http.GetAsync("-/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "prometheus is ready");
            return server;
        }

        /// <summary>Waits until a query returns a series (Prometheus has scraped it) and returns the series.</summary>
        public async Task<JsonArray> UntilSeriesAsync(string query, CancellationToken cancellationToken)
        {
            JsonArray result = [];
            await TestApp.UntilAsync(async () =>
            {
                var answer = JsonNode.Parse(await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}", cancellationToken))!;
                result = answer["data"]?["result"] as JsonArray ?? [];
                return result.Count > 0;
            }, TimeSpan.FromSeconds(60), $"Prometheus has {query}");
            return result;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the temp folder's cleaning.
            }
        }
    }
}
