using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Telemetry;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Telemetry;

/// <summary>A job's stages, run by different loops, form one trace; the traces and metrics leave by OTLP when its endpoint is set.</summary>
public sealed class JobTracingTests() : SandboxedAppTest("rk_live_tracing_tests", TimeSpan.FromMilliseconds(800))
{
    private const string EntityFrameworkSource = "OpenTelemetry.Instrumentation.EntityFrameworkCore";

    [Fact]
    public async Task Admission_submission_polls_outcome_and_archive_are_one_trace_without_the_prompt()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobTracing.SourceName or EntityFrameworkSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        const string prompt = "a secret plan for the lighthouse";
        var result = await App.Services.GetRequiredService<JobSubmitter>().SubmitAsync(await App.AdminIdAsync(), new JobRequest("z-image", new JsonObject { ["prompt"] = prompt }, Guid.NewGuid()), ct);
        var jobId = result.JobId!.Value;
        await App.WaitForJobAsync(jobId, j => j.Status == ReApiWeb.Data.JobStatus.Completed && j.Outputs.All(o => o.StoragePath != null));
        await TestApp.UntilAsync(() => Mine().Any(s => s.DisplayName == "job archive"), TimeSpan.FromSeconds(10), "the archive's span ended");

        List<Activity> Mine() => [.. spans.Where(s => (string?)s.GetTagItem("reapiweb.job.id") == jobId.ToString())];
        var mine = Mine();
        Assert.Equal(["job admit", "job archive", "job complete", "job poll", "job submit"], mine.Select(s => s.DisplayName).Distinct().Order());
        Assert.All(mine, s => Assert.Equal(JobTracing.TraceId(jobId), s.TraceId));
        Assert.Single(mine.Select(s => s.ParentSpanId).Distinct()); // all under the job's root
        Assert.Contains(mine, s => s.DisplayName == "job submit" && s.GetTagItem("reapiweb.task.id") is string);
        Assert.DoesNotContain(mine.SelectMany(s => s.TagObjects), tag => tag.Value?.ToString()?.Contains("secret plan", StringComparison.Ordinal) == true);

        // The database's commands inside the job's stages are spans of its trace, with their SQL and never its values.
        var database = spans.Where(s => s.Source.Name == EntityFrameworkSource && s.TraceId == JobTracing.TraceId(jobId)).ToList();
        Assert.NotEmpty(database);
        Assert.Contains(database, s => (s.GetTagItem("db.statement") ?? s.GetTagItem("db.query.text")) is string text && text.Contains("UPDATE", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(database.SelectMany(s => s.TagObjects), tag => tag.Value?.ToString()?.Contains("secret plan", StringComparison.Ordinal) == true);
    }
}

/// <summary>An app with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set sends its metrics and traces there (OTLP over HTTP).</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_and_traces_reach_an_otlp_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = TestApp.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var paths = new ConcurrentDictionary<string, int>();
        _ = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                try
                {
                    var context = await receiver.GetContextAsync();
                    paths.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        }, ct);

        await using var app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = app.AnonymousClient();
        await TestApp.UntilAsync(async () =>
        {
            using var _ = await http.GetAsync("/login", ct); // a request to trace and to count
            return paths.ContainsKey("/v1/metrics") && paths.ContainsKey("/v1/traces");
        }, TimeSpan.FromSeconds(30), "the OTLP endpoint received metrics and traces");
    }
}
