using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Jobs;

/// <summary><c>/hubs/jobs</c> over a real SignalR connection: authenticated, and delivering the owner's job events.</summary>
public sealed class JobsHubTests
{
    private const string Key = "rk_live_hub_test";

    [Fact]
    public async Task A_signed_in_client_receives_every_status_change_of_its_job()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromMilliseconds(500);
        });
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), TestApp.UpstreamSettings(sandbox.BaseUri, Key));
        var cookies = await app.SignInAsync();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseUri, JobsHub.Path), o => o.Cookies = cookies)
            .Build();
        var completed = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<JobStatus>();
        hub.On<JobEvent>(JobsHub.JobUpdated, e =>
        {
            lock (seen)
            {
                seen.Add(e.Status);
            }

            if (e.Status == JobStatus.Completed)
            {
                completed.TrySetResult(e);
            }
        });
        await hub.StartAsync(ct);

        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
            await app.AdminIdAsync(), new JobRequest("z-image", new JsonObject { ["prompt"] = "hub" }, Guid.NewGuid()), ct);
        var done = await completed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(result.JobId, done.JobId);
        lock (seen)
        {
            Assert.Equal([JobStatus.Submitting, JobStatus.Processing, JobStatus.Completed], seen.Take(3));
        }
    }

    [Fact]
    public async Task A_script_connects_with_its_personal_token()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var (_, token) = await app.Services.GetRequiredService<ReApiWeb.Features.Auth.Tokens.PersonalTokens>()
            .CreateAsync(await app.AdminIdAsync(), "hub script", TimeSpan.FromDays(30), CancellationToken.None);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseUri, JobsHub.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();

        await hub.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task An_anonymous_client_cannot_connect()
    {
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(app.BaseUri, JobsHub.Path)).Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_use_a_members_cookie_on_the_hub()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var cookies = await app.SignInAsync();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.BaseUri };
        async Task<System.Net.HttpStatusCode> NegotiateFromAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, JobsHub.Path + "/negotiate?negotiateVersion=1");
            request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request, ct);
            return response.StatusCode;
        }

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await NegotiateFromAsync("http://evil.example"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await NegotiateFromAsync("null"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await NegotiateFromAsync(app.BaseUri.GetLeftPart(UriPartial.Authority)));
    }

    private static async Task<(HubConnection Hub, Task Closed)> ConnectAsync(TestApp app, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> options)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(app.BaseUri, JobsHub.Path), options).Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync(TestContext.Current.CancellationToken);
        return (hub, closed.Task);
    }

    [Fact]
    public async Task Revoking_a_token_closes_the_hub_connection_it_opened()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var admin = await app.AdminIdAsync();
        var tokens = app.Services.GetRequiredService<ReApiWeb.Features.Auth.Tokens.PersonalTokens>();
        var (view, token) = await tokens.CreateAsync(admin, "hub script", TimeSpan.FromDays(30), ct);
        var (hub, closed) = await ConnectAsync(app, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token));
        await using var _ = hub;

        await tokens.RevokeAsync(new ReApiWeb.Features.Auth.CurrentUser(admin, "admin", IsAdmin: false), view.Id, ct);

        await closed.WaitAsync(TimeSpan.FromSeconds(15), ct);
    }

    [Fact]
    public async Task Disabling_a_person_or_taking_their_admin_rights_closes_their_open_hub_connections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = TestApp.Start(TestApp.NewDataDirectory());
        var root = new ReApiWeb.Features.Admin.Actor(await app.AdminIdAsync(), "Root");
        var people = app.Services.GetRequiredService<ReApiWeb.Features.Admin.PeopleAdmin>();
        var member = await app.AddLocalUserAsync("member@test.local", "member-password-1");
        var other = await app.AddLocalUserAsync("other@test.local", "other-password-1");
        await people.SetAdminAsync(other, true, root, ct);
        var memberCookies = await app.SignInAsync("member@test.local", "member-password-1");
        var otherCookies = await app.SignInAsync("other@test.local", "other-password-1");
        var (memberHub, memberClosed) = await ConnectAsync(app, o => o.Cookies = memberCookies);
        var (adminHub, adminClosed) = await ConnectAsync(app, o => o.Cookies = otherCookies);
        await using var a = memberHub;
        await using var b = adminHub;

        await people.SetDisabledAsync(member, true, root, ct);
        await people.SetAdminAsync(other, false, root, ct);

        await memberClosed.WaitAsync(TimeSpan.FromSeconds(15), ct);
        await adminClosed.WaitAsync(TimeSpan.FromSeconds(15), ct);
    }
}
