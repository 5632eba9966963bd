using System.Net;
using System.Text.Json.Nodes;
using ReApi.Client.RateLimiting;

namespace ReApi.Client.Tests;

/// <summary>The client's retry rules, with a transport that answers from a script and counts calls.</summary>
public sealed class ReApiClientTests
{
    private static readonly ReApiConnection Connection = new(new Uri("https://reapi.test/api/v1"), "rk_live_test_key_1234");

    [Fact]
    public async Task A_post_answered_with_5xx_is_not_retried_and_its_outcome_is_unknown()
    {
        var transport = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway));
        var client = CreateClient(transport);

        var error = await Assert.ThrowsAsync<ReApiException>(() =>
            client.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2", ["prompt"] = "x" }, TestContext.Current.CancellationToken));

        Assert.Equal(1, transport.Calls);
        Assert.True(error.OutcomeUnknown);
    }

    [Fact]
    public async Task A_post_that_times_out_is_not_retried_and_its_outcome_is_unknown()
    {
        var transport = new ScriptedHandler(_ => throw new TaskCanceledException("timeout"));
        var client = CreateClient(transport);

        var error = await Assert.ThrowsAsync<ReApiException>(() =>
            client.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2" }, TestContext.Current.CancellationToken));

        Assert.Equal(1, transport.Calls);
        Assert.Equal(ReApiErrorKind.Transport, error.Kind);
        Assert.True(error.OutcomeUnknown);
    }

    [Fact]
    public async Task An_undocumented_success_status_on_a_post_leaves_the_outcome_unknown()
    {
        var transport = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var error = await Assert.ThrowsAsync<ReApiException>(() =>
            CreateClient(transport).SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2" }, TestContext.Current.CancellationToken));
        Assert.True(error.OutcomeUnknown);
        Assert.Equal(1, transport.Calls);
    }

    [Fact]
    public async Task A_rejected_post_is_a_known_outcome()
    {
        var transport = new ScriptedHandler(_ => Json(HttpStatusCode.BadRequest, """{"error":{"code":20002,"message":"Missing required parameter: prompt"}}"""));
        var error = await Assert.ThrowsAsync<ReApiException>(() =>
            CreateClient(transport).SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2" }, TestContext.Current.CancellationToken));

        Assert.Equal((ReApiErrorKind.Validation, 20002, false), (error.Kind, error.Code, error.OutcomeUnknown));
    }

    [Fact]
    public async Task Posts_send_the_key_as_bearer_and_json()
    {
        HttpRequestMessage? seen = null;
        string? body = null;
        var transport = new ScriptedHandler(request =>
        {
            seen = request;
            body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return Json(HttpStatusCode.OK, """{"id":"task_0123456789abcdef","status":"processing"}""");
        });

        var task = await CreateClient(transport).SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "flux-2" }, TestContext.Current.CancellationToken);

        Assert.Equal("task_0123456789abcdef", task.Id);
        Assert.Equal("https://reapi.test/api/v1/images/generations", seen!.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer rk_live_test_key_1234", seen.Headers.Authorization!.ToString());
        Assert.Contains("application/json", seen.Headers.Accept.ToString(), StringComparison.Ordinal);
        Assert.Equal("""{"model":"flux-2"}""", body);
    }

    [Fact]
    public async Task A_get_is_retried_after_a_server_error()
    {
        var answers = new Queue<HttpResponseMessage>(
        [
            new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            Json(HttpStatusCode.OK, """{"id":"task_0123456789abcdef","status":"processing"}"""),
        ]);
        var transport = new ScriptedHandler(_ => answers.Dequeue());

        var task = await CreateClient(transport).GetTaskAsync("task_0123456789abcdef", TestContext.Current.CancellationToken);

        Assert.Equal(ReApiTaskStatus.Processing, task.Status);
        Assert.Equal(2, transport.Calls);
    }

    [Fact]
    public async Task A_post_held_up_after_its_slot_was_granted_takes_a_fresh_slot_before_it_leaves()
    {
        // Granted slots are spaced by the gate; POSTs whose caller's record (a database write) waited after the grant
        // would leave together, a burst reAPI counts in one second: two instances on one budget saw 429s from this.
        var transport = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"id":"task_0123456789abcdef","status":"processing"}"""));
        var gate = new RecordingGate();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var client = new ReApiClient(new HttpClient(transport), new FixedConnectionSource(Connection), gate, time, new ReApiClientOptions { GetAttempts = 1 });
        var body = new JsonObject { ["model"] = "gpt-image-2", ["prompt"] = "x" };

        await client.SubmitAsync(ReApiEndpoint.Images, body, _ => Task.CompletedTask, TestContext.Current.CancellationToken);
        Assert.Equal(1, gate.Acquired);

        await client.SubmitAsync(ReApiEndpoint.Images, body, _ =>
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);
        Assert.Equal(3, gate.Acquired);
        Assert.Equal(2, transport.Calls);
    }

    [Fact]
    public async Task A_429_pauses_the_shared_gate_for_retry_after()
    {
        var transport = new ScriptedHandler(_ =>
        {
            var response = Json((HttpStatusCode)429, """{"error":{"code":50001,"message":"Per-user rate limit exceeded"}}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return response;
        });
        var gate = new RecordingGate();
        var client = new ReApiClient(new HttpClient(transport), new FixedConnectionSource(Connection), gate, TimeProvider.System, new ReApiClientOptions { GetAttempts = 1 });

        var error = await Assert.ThrowsAsync<ReApiException>(() => client.GetBalanceAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ReApiErrorKind.RateLimited, error.Kind);
        Assert.Equal([TimeSpan.FromSeconds(2)], gate.Pauses);
    }

    [Fact]
    public async Task A_not_found_task_is_not_retried()
    {
        var transport = new ScriptedHandler(_ => Json(HttpStatusCode.NotFound, """{"error":{"code":40401,"message":"Task not found"}}"""));
        var error = await Assert.ThrowsAsync<ReApiException>(() => CreateClient(transport).GetTaskAsync("task_0123456789abcdef", TestContext.Current.CancellationToken));
        Assert.Equal((ReApiErrorKind.NotFound, 1), (error.Kind, transport.Calls));
    }

    private static ReApiClient CreateClient(HttpMessageHandler transport) =>
        new(new HttpClient(transport), new FixedConnectionSource(Connection), new RecordingGate(), TimeProvider.System,
            new ReApiClientOptions { GetBackoff = TimeSpan.FromMilliseconds(1) });

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

    /// <summary>
    /// A key rotated (or removed) while a call waits for its slot at the gate is not used: the connection is read once
    /// the slot is granted, right before the request is made (a POST and a poll waited with the old key otherwise).
    /// </summary>
    [Fact]
    public async Task A_call_uses_the_key_current_when_its_slot_is_granted_not_when_it_began_to_wait()
    {
        var keys = new List<string?>();
        var transport = new ScriptedHandler(request =>
        {
            keys.Add(request.Headers.Authorization?.Parameter);
            return Json(HttpStatusCode.OK, """{"id":"task_0123456789abcdef","status":"processing"}""");
        });
        var source = new RotatingSource();
        var client = new ReApiClient(new HttpClient(transport), source, new RotatingGate(source), TimeProvider.System, new ReApiClientOptions { GetAttempts = 1 });

        await client.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2", ["prompt"] = "x" }, TestContext.Current.CancellationToken);
        await client.GetTaskOnceAsync("task_0123456789abcdef", TestContext.Current.CancellationToken);
        await client.GetBalanceAsync(TestContext.Current.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);

        // The poll's slot was granted by its scheduler before the call (no rotation in between), the balance's at the call.
        Assert.Equal(["rk_live_rotated_1", "rk_live_rotated_1", "rk_live_rotated_2"], keys);
    }

    /// <summary>An admin rotates the key every time a slot is granted.</summary>
    private sealed class RotatingSource : IReApiConnectionSource
    {
        public int Rotations { get; set; }

        public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(Connection with { ApiKey = Rotations == 0 ? "rk_live_before_any_grant" : $"rk_live_rotated_{Rotations}" });
    }

    private sealed class RotatingGate(RotatingSource source) : IUpstreamRateGate
    {
        public ValueTask<int> AvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(10);

        public ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
        {
            source.Rotations++;
            return ValueTask.CompletedTask;
        }

        public void Pause(TimeSpan duration)
        {
        }
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answer(request));
        }
    }

    private sealed class RecordingGate : IUpstreamRateGate
    {
        public List<TimeSpan> Pauses { get; } = [];

        public ValueTask<int> AvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(10);

        public int Acquired { get; private set; }

        public ValueTask AcquireAsync(UpstreamCallKind kind, CancellationToken cancellationToken)
        {
            Acquired++;
            return ValueTask.CompletedTask;
        }

        public void Pause(TimeSpan duration) => Pauses.Add(duration);
    }
}
