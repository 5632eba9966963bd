using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.RateLimiting;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Api;

/// <summary>The reAPI-compatible API, driven by the same typed reAPI client the app uses upstream and by plain HTTP.</summary>
public sealed class ReApiCompatibleApiTests() : SandboxedAppTest("rk_live_api_tests", TimeSpan.FromMilliseconds(500))
{
    private async Task<string> TokenForAsync(Guid userId, TimeSpan? lifetime = null) =>
        (await App.Services.GetRequiredService<PersonalTokens>().CreateAsync(userId, "script", lifetime, CancellationToken.None)).Secret;

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
        using var subscription = App.Services.GetRequiredService<ReApiWeb.Features.Jobs.IJobNotifier>().Subscribe(_ =>
        {
            changed.Release();
            return Task.CompletedTask;
        });
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
        var (view, revoked) = await tokens.CreateAsync(admin, "old", null, CancellationToken.None);
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
}
