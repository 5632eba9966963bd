using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.RateLimiting;
using ReApi.Sandbox;
using ReApiWeb.Features.Events;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Api;

/// <summary>The reAPI-compatible API, driven by the same typed reAPI client the app uses upstream and by plain HTTP.</summary>
public sealed class ReApiCompatibleApiTests() : SandboxedAppTest("rk_live_api_tests", TimeSpan.FromMilliseconds(500))
{
    private async Task<string> TokenForAsync(Guid userId, TimeSpan? lifetime = null) =>
        (await App.Services.GetRequiredService<PersonalTokens>().CreateAsync(userId, "script", lifetime ?? TimeSpan.FromDays(30), CancellationToken.None)).Secret;

    private ReApiClient ScriptClient(string token) =>
        new(new HttpClient(), new FixedConnectionSource(new ReApiConnection(new Uri(App.BaseUri, "/api/v1/"), token)),
            new SlidingWindowRateGate(10, TimeSpan.FromSeconds(1), TimeProvider.System), TimeProvider.System);

    private HttpClient Http(string? token)
    {
        var http = App.AnonymousClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    [Fact]
    public async Task A_reapi_client_with_a_personal_token_runs_a_job_and_downloads_its_output()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await TokenForAsync(await App.AdminIdAsync());
        var script = ScriptClient(token);

        var submitted = await script.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "gpt-image-2", ["prompt"] = "from a script" }, ct);
        Assert.Matches("^task_[0-9a-f]{32}$", submitted.Id);

        using var changed = new SemaphoreSlim(0);
        using var subscription = App.Services.GetRequiredService<IEventBus>().OnChange(EventTopic.AllJobs, () => changed.Release());
        ReApiTask task;
        while ((task = await script.GetTaskAsync(submitted.Id, ct)).Status == ReApiTaskStatus.Processing || !task.ImageUrls.All(u => u.Contains("/outputs/", StringComparison.Ordinal)))
        {
            await changed.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        var image = Assert.Single(task.ImageUrls);
        Assert.StartsWith(App.BaseUri.AbsoluteUri.TrimEnd('/') + "/outputs/", image, StringComparison.Ordinal);
        using var http = Http(token);
        using var file = await http.GetAsync(image, ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(null, 10001)]
    [InlineData("Basic abc", 10002)]
    [InlineData("Bearer rwp_not_a_real_token", 10003)]
    public async Task Missing_or_wrong_credentials_get_reapis_401_envelope(string? header, int code)
    {
        using var http = Http(null);
        if (header is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await http.GetAsync("/api/v1/balance", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(code, body["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_revoked_or_expired_token_is_refused_with_10004()
    {
        var tokens = App.Services.GetRequiredService<PersonalTokens>();
        var admin = await App.AdminIdAsync();
        var (view, revoked) = await tokens.CreateAsync(admin, "old", TimeSpan.FromDays(30), CancellationToken.None);
        await tokens.RevokeAsync(new CurrentUser(admin, "admin", IsAdmin: false), view.Id, CancellationToken.None);
        var expired = await TokenForAsync(admin, TimeSpan.FromTicks(1));

        foreach (var token in new[] { revoked, expired })
        {
            var error = await Assert.ThrowsAsync<ReApiException>(() => ScriptClient(token).GetTaskAsync("task_00000000000000000000000000000000", TestContext.Current.CancellationToken));
            Assert.Equal((ReApiErrorKind.Authentication, 10004), (error.Kind, error.Code));
        }
    }

    [Fact]
    public async Task Invalid_input_gets_reapis_400_and_nothing_is_sent_upstream()
    {
        var script = ScriptClient(await TokenForAsync(await App.AdminIdAsync()));

        var missing = await Assert.ThrowsAsync<ReApiException>(() => script.SubmitAsync(ReApiEndpoint.Images, new JsonObject { ["model"] = "flux-2" }, TestContext.Current.CancellationToken));
        var wrongEndpoint = await Assert.ThrowsAsync<ReApiException>(() => script.SubmitAsync(ReApiEndpoint.Videos, new JsonObject { ["model"] = "flux-2", ["prompt"] = "a fox" }, TestContext.Current.CancellationToken));

        Assert.Equal((ReApiErrorKind.Validation, 20002, "Missing required parameter: prompt"), (missing.Kind, missing.Code, missing.Message));
        Assert.Equal(400, wrongEndpoint.HttpStatus);
        Assert.Equal(0, Sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task A_member_cannot_see_another_members_task()
    {
        var ct = TestContext.Current.CancellationToken;
        var adminTask = await ScriptClient(await TokenForAsync(await App.AdminIdAsync())).SubmitAsync(
            ReApiEndpoint.Images, new JsonObject { ["model"] = "z-image", ["prompt"] = "private" }, ct);
        var member = new User { Email = "member@test.local", DisplayName = "Member", CreatedAt = DateTimeOffset.UtcNow };
        await using (var db = await App.DbAsync())
        {
            db.Users.Add(member);
            await db.SaveChangesAsync(ct);
        }

        var error = await Assert.ThrowsAsync<ReApiException>(() => ScriptClient(TokenForAsync(member.Id).Result).GetTaskAsync(adminTask.Id, ct));

        Assert.Equal((ReApiErrorKind.NotFound, 404), (error.Kind, error.HttpStatus));
    }

    [Fact]
    public async Task The_same_idempotency_key_never_makes_a_second_job()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = Http(await TokenForAsync(await App.AdminIdAsync()));
        async Task<string> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/images/generations")
            {
                Content = new StringContent("""{"model":"z-image","prompt":"once"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", "nightly-2026-11-23");
            using var response = await http.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<string>();
        }

        Assert.Equal(await PostAsync(), await PostAsync());
        Assert.Equal(1, Sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task Cookies_are_not_accepted_by_the_api()
    {
        using var browser = await App.SignedInClientAsync();
        using var response = await browser.GetAsync("/api/v1/balance", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? body = null;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return (response.StatusCode, body);
    }

    private static HttpRequestMessage Post(string path, HttpContent content, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    private static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent Json(string text) => Json(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task An_idempotency_key_reused_with_another_body_is_a_conflict()
    {
        using var http = Http(await TokenForAsync(await App.AdminIdAsync()));
        var (first, _) = await SendAsync(http, Post("/api/v1/images/generations", Json("""{"model":"z-image","prompt":"first"}"""), "reused-key"));

        var (second, body) = await SendAsync(http, Post("/api/v1/images/generations", Json("""{"model":"z-image","prompt":"something else"}"""), "reused-key"));

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.Conflict, second);
        Assert.Contains("Idempotency-Key", body!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_in_reapis_envelope()
    {
        using var http = Http(await TokenForAsync(await App.AdminIdAsync()));

        var (unknown, unknownBody) = await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "/api/v1/no-such-thing"));
        var (method, methodBody) = await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "/api/v1/images/generations"));
        var (anonymous, anonymousBody) = await SendAsync(Http(null), new HttpRequestMessage(HttpMethod.Delete, "/api/v1/tasks/task_1234"));

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.NotNull(unknownBody?["error"]?["code"]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method);
        Assert.NotNull(methodBody?["error"]?["code"]);
        Assert.True(anonymous is HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized, $"{anonymous}");
        Assert.NotNull(anonymousBody?["error"]?["code"]);
    }

    [Fact]
    public async Task An_unconfirmed_job_is_reported_as_still_processing_with_an_explanation_not_as_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await App.AdminIdAsync();
        var job = new Job { OwnerId = admin, ModelId = "z-image", Prompt = "unknown fate", RequestJson = "{}", SubmissionKey = Guid.NewGuid(), Status = JobStatus.Unconfirmed, CreatedAt = DateTimeOffset.UtcNow, ErrorMessage = "It is unknown whether reAPI received this job." };
        await using (var db = await App.DbAsync())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync(ct);
        }

        using var http = Http(await TokenForAsync(admin));
        var (status, body) = await SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/task_{job.Id:N}"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("processing", body!["status"]!.GetValue<string>());
        Assert.Null(body["error"]);
        Assert.Contains("unknown", body["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, byte[]> MalformedBodies() => new()
    {
        { "duplicate keys", Encoding.UTF8.GetBytes("""{"model":"z-image","model":"gpt-image-2","prompt":"a fox"}""") },
        { "invalid UTF-8", [.. Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":"a """), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")] },
        { "lone surrogate", Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":"a \ud800 fox"}""") },
        { "lone surrogate in a key", Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":"a fox","\udc00":1}""") },
        { "deep nesting", Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":"x","extra":""" + new string('[', 5000) + new string(']', 5000) + "}") },
        { "a 300 KB free-form field", Encoding.UTF8.GetBytes("""{"model":"mureka-v9-song","prompt":"pop","lyrics":"la la","reference_id":" """ + new string('a', 300_000) + "\"}") },
        { "not an object", Encoding.UTF8.GetBytes("[1,2,3]") },
        { "truncated", Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":""") },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_body_is_a_400_in_the_envelope_and_charges_nothing(string what, byte[] bytes)
    {
        Assert.NotEmpty(what);
        using var http = Http(await TokenForAsync(await App.AdminIdAsync()));
        var path = what.StartsWith("a 300 KB", StringComparison.Ordinal) ? "/api/v1/audio/generations" : "/api/v1/images/generations";

        var (status, body) = await SendAsync(http, Post(path, Json(bytes)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body?["error"]?["code"]);
        Assert.Equal(0, Sandbox.State.Statistics.Submissions);
    }

    [Fact]
    public async Task A_body_past_the_limit_is_a_413_in_the_envelope()
    {
        // As curl does for a large body: the client waits for the server's go-ahead (long enough for a busy machine),
        // so it reads the refusal instead of writing 40 MB into a connection the server has answered and closed.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = App.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(await App.AdminIdAsync()));
        var bytes = Encoding.UTF8.GetBytes("""{"model":"z-image","prompt":" """ + new string('a', 40_000_000) + "\"}");
        var request = Post("/api/v1/images/generations", Json(bytes));
        request.Headers.ExpectContinue = true;

        var (status, body) = await SendAsync(http, request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.NotNull(body?["error"]?["code"]);
    }

    [Fact]
    public async Task Two_hundred_generated_malformed_bodies_never_get_a_5xx_nor_a_charge()
    {
        var ct = TestContext.Current.CancellationToken;

        // An app whose per-person limit does not get in the way: every body must reach the parser and validation.
        var settings = TestApp.UpstreamSettings(Sandbox.BaseUri, Key);
        settings["Api:RequestsPerSecondPerPerson"] = "1000";
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);
        using var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(await app.AdminIdAsync(), "fuzz", TimeSpan.FromDays(1), ct)).Secret);
        var statuses = new List<HttpStatusCode>();
        foreach (var (path, bytes) in MalformedBodyGenerator.Generate(seed: 20261130, count: 240))
        {
            var (status, body) = await SendAsync(http, Post(path, Json(bytes)));
            statuses.Add(status);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)status} for {Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 200)])}");
            Assert.NotNull(body?["error"]?["code"]);
        }

        Assert.Equal(240, statuses.Count);
        Assert.Equal(0, Sandbox.State.Statistics.Submissions);
        await using var db = await app.DbAsync();
        Assert.False(await db.Jobs.AnyAsync(ct));
        Assert.False(await db.Ledger.AnyAsync(ct));
    }

    [Fact]
    public async Task One_person_past_ten_requests_a_second_gets_reapis_429_and_others_do_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var busy = Http(await TokenForAsync(await App.AdminIdAsync()));
        var other = new User { Email = "other@test.local", DisplayName = "Other", CreatedAt = DateTimeOffset.UtcNow };
        await using (var db = await App.DbAsync())
        {
            db.Users.Add(other);
            await db.SaveChangesAsync(ct);
        }

        using var quiet = Http(await TokenForAsync(other.Id));

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            SendAsync(busy, new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks/task_00000000000000000000000000000000"))));
        var (quietStatus, _) = await SendAsync(quiet, new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks/task_00000000000000000000000000000000"));

        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(limited.Count, 10, 30);
        Assert.All(limited, a => Assert.Equal(50001, a.Body!["error"]!["code"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.NotFound, quietStatus);
    }
}
