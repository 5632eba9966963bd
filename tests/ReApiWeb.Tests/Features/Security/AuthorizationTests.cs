using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Security;

/// <summary>
/// Walks every route the app maps (pages, API, exports, files, hub) as anonymous, member and admin, from the app's own
/// endpoint list, so a route added later without a policy fails here.
/// </summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    // The only ways in without a session: signing in, one-time invitation and reset links (their secret is the key),
    // health and liveness, error pages, the sandbox (its own key), signed media links for reAPI, and Blazor's plumbing (the circuit
    // itself checks each page's policy).
    private static readonly string[] OpenPrefixes =
        ["/login", "/authentication/login", "/authentication/sso", "/account/invite", "/account/reset", "/health", "/alive", "/forbidden", "/not-found", "/error", "/sandbox/", "/_blazor", "/_framework", "/media/"];

    private readonly string _dataDirectory = TestApp.NewDataDirectory();
    private TestApp _app = default!;
    private Guid _memberId;

    public async ValueTask InitializeAsync()
    {
        _app = TestApp.Start(_dataDirectory);
        _memberId = await _app.AddLocalUserAsync("member@test.local", "member-password-1");
    }

    [Fact]
    public void Every_route_has_a_policy_or_is_one_of_the_known_ways_in()
    {
        var unprotected = Routes().Where(r => !r.Protected && !IsOpen(r.Path)).Select(r => $"{r.Method} {r.Path}").ToList();

        Assert.Empty(unprotected);
        Assert.Contains(Routes(), r => r.AdminOnly);
    }

    [Fact]
    public async Task Anonymous_requests_are_sent_to_sign_in_or_refused()
    {
        using var anonymous = _app.AnonymousClient();
        foreach (var route in Routes().Where(r => !IsOpen(r.Path)))
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), route.Path), TestContext.Current.CancellationToken);
            var where = $"{route.Method} {route.Path} answered {(int)response.StatusCode} {response.Headers.Location}";
            Assert.True(
                response.StatusCode == HttpStatusCode.Unauthorized
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/login", StringComparison.Ordinal)),
                where);
        }
    }

    [Fact]
    public async Task Admin_routes_refuse_members_and_serve_admins()
    {
        using var member = await _app.SignedInClientAsync("member@test.local", "member-password-1");
        using var admin = await _app.SignedInClientAsync();
        var adminRoutes = Routes().Where(r => r.AdminOnly).ToList();
        Assert.Contains(adminRoutes, r => r.Path == "/admin/people");
        Assert.Contains(adminRoutes, r => r.Path == "/admin/audit.csv");

        foreach (var route in adminRoutes.Where(r => r.Method == "GET"))
        {
            using var refused = await member.GetAsync(route.Path, TestContext.Current.CancellationToken);
            Assert.True(
                refused.StatusCode == HttpStatusCode.Forbidden
                || (refused.StatusCode == HttpStatusCode.Redirect && refused.Headers.Location!.OriginalString.Contains("/forbidden", StringComparison.Ordinal)),
                $"A member got {(int)refused.StatusCode} at {route.Path}");
            if (!route.HasParameters)
            {
                using var served = await admin.GetAsync(route.Path, TestContext.Current.CancellationToken);
                Assert.True(served.StatusCode == HttpStatusCode.OK, $"An admin got {(int)served.StatusCode} at {route.Path}");
            }
        }
    }

    [Fact]
    public async Task Member_pages_serve_a_signed_in_member()
    {
        using var member = await _app.SignedInClientAsync("member@test.local", "member-password-1");
        foreach (var route in Routes().Where(r => r is { Anonymous: false, AdminOnly: false, HasParameters: false, Method: "GET" } && r.IsPage && !IsOpen(r.Path)))
        {
            using var response = await member.GetAsync(route.Path, TestContext.Current.CancellationToken);
            var location = response.Headers.Location?.OriginalString ?? "";
            Assert.True(
                response.StatusCode == HttpStatusCode.OK
                || (response.StatusCode == HttpStatusCode.Redirect && !location.Contains("/login", StringComparison.Ordinal) && !location.Contains("/forbidden", StringComparison.Ordinal)),
                $"A member got {(int)response.StatusCode} {location} at {route.Path}");
        }
    }

    [Fact]
    public async Task An_unknown_address_gets_the_apps_not_found_page_and_a_404()
    {
        var ct = TestContext.Current.CancellationToken;
        using var member = await _app.SignedInClientAsync("member@test.local", "member-password-1");
        using var anonymous = _app.AnonymousClient();
        foreach (var client in new[] { member, anonymous })
        {
            using var response = await client.GetAsync("/no/such/page", ct);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("There is nothing at this address", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        // API clients keep a plain status.
        using var api = await anonymous.GetAsync("/api/v1/no-such-thing", ct);
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);
        Assert.DoesNotContain("There is nothing at this address", await api.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_cannot_read_another_members_job_outputs_or_tokens()
    {
        var ct = TestContext.Current.CancellationToken;
        var adminId = await _app.AdminIdAsync();
        Guid jobId, outputId;
        await using (var db = await _app.DbAsync())
        {
            var job = new Job { OwnerId = adminId, ModelId = "z-image", Prompt = "private plans", RequestJson = "{\"prompt\":\"private plans\"}", Status = JobStatus.Completed, CreatedAt = DateTimeOffset.UtcNow };
            db.Jobs.Add(job);
            var output = new JobOutput { JobId = job.Id, Index = 0, Kind = OutputMediaKind.Image, ContentType = "image/png", UpstreamUrl = "https://example.test/x.png", StoragePath = "none.png", ArchivedAt = DateTimeOffset.UtcNow };
            db.JobOutputs.Add(output);
            await db.SaveChangesAsync(ct);
            (jobId, outputId) = (job.Id, output.Id);
        }

        var tokens = _app.Services.GetRequiredService<PersonalTokens>();
        var (adminToken, _) = await tokens.CreateAsync(adminId, "admin's script", TimeSpan.FromDays(30), ct);
        using var member = await _app.SignedInClientAsync("member@test.local", "member-password-1");

        var page = await member.GetStringAsync($"/jobs/{jobId}", ct);
        Assert.DoesNotContain("private plans", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/outputs/{outputId}", ct)).StatusCode);
        var memberUser = new CurrentUser(_memberId, "Member", IsAdmin: false);
        Assert.False(await tokens.RevokeAsync(memberUser, adminToken.Id, ct));
        Assert.DoesNotContain(await tokens.ListAsync(_memberId, ct), t => t.Id == adminToken.Id);
        await using var check = await _app.DbAsync();
        Assert.Null((await check.PersonalAccessTokens.SingleAsync(t => t.Id == adminToken.Id, ct)).RevokedAt);
    }

    [Fact]
    public async Task A_member_probing_every_route_with_another_members_ids_learns_nothing_private()
    {
        var ct = TestContext.Current.CancellationToken;
        var adminId = await _app.AdminIdAsync();
        var admin = new CurrentUser(adminId, "Administrator", IsAdmin: true);
        var job = await _app.AddJobAsync(adminId, "private plans for the launch");
        await _app.ArchiveAsync(_dataDirectory, job.Outputs[0]);
        var collections = _app.Services.GetRequiredService<ReApiWeb.Features.Collections.TeamCollections>();
        var (_, collectionId) = await collections.CreateAsync(admin, "Secret launch board", ct);
        await collections.AddAsync(admin, collectionId, job.Outputs[0].Id, ct);
        await _app.Services.GetRequiredService<ReApiWeb.Features.Collections.Favourites>().SetAsync(admin, job.Outputs[0].Id, true, ct);
        var (token, _) = await _app.Services.GetRequiredService<PersonalTokens>().CreateAsync(adminId, "admin's script", TimeSpan.FromDays(30), ct);
        Guid batchId;
        await using (var db = await _app.DbAsync())
        {
            var batch = new JobBatch { OwnerId = adminId, Kind = JobBatchKind.Compare, Title = "private plans for the launch", CreatedAt = DateTimeOffset.UtcNow };
            db.Batches.Add(batch);
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.BatchId, batch.Id), ct);
            await db.SaveChangesAsync(ct);
            batchId = batch.Id;
        }

        var template = await _app.Services.GetRequiredService<ReApiWeb.Features.Templates.PromptTemplates>()
            .SaveAsync(admin, null, "Secret launch board", "private plans for {product}", shared: false, ct);
        Guid[] theirs = [job.Id, job.Outputs[0].Id, collectionId, adminId, token.Id, batchId, template.Id];
        var png = Convert.FromBase64String(TestJobs.OnePixelPng);
        using var member = await _app.SignedInClientAsync("member@test.local", "member-password-1");
        var (_, memberToken) = await _app.Services.GetRequiredService<PersonalTokens>().CreateAsync(_memberId, "member's script", TimeSpan.FromDays(30), ct);
        using var script = _app.AnonymousClient();
        script.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", memberToken);

        var probed = 0;
        foreach (var route in Routes().Where(r => r is { Method: "GET", HasParameters: true, AdminOnly: false } && !IsOpen(r.Path)))
        {
            foreach (var (id, client) in theirs.SelectMany(id => new[] { (id, member), (id, script) }))
            {
                var path = FillWith(route.Pattern, id);
                using var response = await GetPastRateLimitAsync(client, path, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                var text = System.Text.Encoding.UTF8.GetString(body);
                var where = $"GET {path} answered {(int)response.StatusCode}";
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, where);
                Assert.DoesNotContain("private plans", text, StringComparison.Ordinal);
                Assert.DoesNotContain("Secret launch board", text, StringComparison.Ordinal);
                Assert.False(body.AsSpan().SequenceEqual(png) || body.AsSpan().SequenceEqual((byte[])[1, 2, 3]), $"{where} with the file itself");
                probed++;
            }
        }

        Assert.True(probed >= 2 * 6 * 8, $"Only {probed} probes: the walk lost its routes");

        // The form's remix and reuse links take a job id in the query: a private job fills nothing in.
        foreach (var query in new[] { "from", "prompt-from", "input", "template" })
        {
            var id = query switch { "input" => job.Outputs[0].Id, "template" => template.Id, _ => job.Id };
            var form = await member.GetStringAsync($"/jobs/new?{query}={id}", ct);
            Assert.DoesNotContain("private plans", form, StringComparison.Ordinal);
        }

        // Nor does the list of templates show someone's personal one.
        Assert.DoesNotContain("Secret launch board", await member.GetStringAsync("/templates", ct), StringComparison.Ordinal);
    }

    /// <summary>The API limits a token's request rate: a probe that is told to wait (429) waits as long as it was told and asks again.</summary>
    private static async Task<HttpResponseMessage> GetPastRateLimitAsync(HttpClient client, string path, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.GetAsync(path, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, ct);
        }
    }

    /// <summary>A route anyone may call: one of the known ways in, whatever its own metadata says.</summary>
    private static bool IsOpen(string path) => OpenPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal));

    private sealed record Route(string Method, string Path, bool Anonymous, bool Protected, bool AdminOnly, bool HasParameters, bool IsPage, string Pattern);

    /// <summary>Every mapped route but static files, with its parameters filled with ids that exist nowhere.</summary>
    private IEnumerable<Route> Routes() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsStaticFile(e.RoutePattern.RawText ?? ""))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new Route(
                method,
                Fill(e.RoutePattern.RawText ?? "/"),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthPolicies.Admin),
                e.RoutePattern.Parameters.Count > 0,
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null,
                e.RoutePattern.RawText ?? "/")))
            .DistinctBy(r => (r.Method, r.Path));

    /// <summary>The static assets (the app's own downloads, CSV and zip, are routes like any other).</summary>
    private static bool IsStaticFile(string pattern) =>
        pattern.Contains(":file}", StringComparison.Ordinal)
        || pattern.Split('/').Last() is var last && last.Contains('.', StringComparison.Ordinal) && !last.EndsWith(".csv", StringComparison.Ordinal) && !last.EndsWith(".zip", StringComparison.Ordinal);

    private static string Fill(string pattern) => FillWith(pattern, null);

    /// <summary>
    /// The path with every id parameter set to <paramref name="id"/> (a new one each when null) and the others to
    /// "x1", or to the task id reAPI's API would give that id.
    /// </summary>
    private static string FillWith(string pattern, Guid? id)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{\\*?([a-zA-Z]+)(:[^}]*)?\\}", m =>
            m.Groups[2].Value.StartsWith(":guid", StringComparison.Ordinal) ? (id ?? Guid.NewGuid()).ToString()
            : id is { } given ? $"task_{given:N}"
            : "x1");
        return path.StartsWith('/') ? path : "/" + path;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
