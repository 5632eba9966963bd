using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>A person the test identity provider knows.</summary>
public sealed record OidcUser(string Id, string Password, string Email, string Name, string[] Groups, string[]? Roles = null, bool EmailVerified = true);

/// <summary>
/// A real OpenID Connect provider (the npm package oidc-provider, in <c>e2e/oidc-provider</c>) as a node process on
/// loopback, with its client registered for an app that will listen on <paramref name="appPort"/>.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "reapiweb";
    public const string ClientSecret = "test-client-secret-1234";

    private readonly Process _process;
    private readonly HttpClient _control;

    private OidcProvider(Process process, Uri issuer)
    {
        _process = process;
        Issuer = issuer;
        _control = new HttpClient { BaseAddress = issuer };
    }

    public Uri Issuer { get; }

    public static async Task<OidcProvider> StartAsync(int appPort, IEnumerable<OidcUser> users)
    {
        var folder = Path.Combine(TestApp.RepositoryRoot(), "e2e", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            throw new InvalidOperationException($"The test identity provider's packages are missing: run 'npm ci' in {folder} (the test command does).");
        }

        var port = TestApp.FreePort();
        var issuer = $"http://127.0.0.1:{port}";
        var app = $"http://127.0.0.1:{appPort}";
        var config = Path.Combine(TestApp.NewDataDirectory(), "oidc.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            port,
            issuer,
            clients = new[]
            {
                new
                {
                    client_id = ClientId,
                    client_secret = ClientSecret,
                    redirect_uris = new[] { $"{app}/signin-oidc" },
                    post_logout_redirect_uris = new[] { $"{app}/signout-callback-oidc" },
                },
            },
            users = users.Select(u => new { id = u.Id, password = u.Password, email = u.Email, name = u.Name, groups = u.Groups, roles = u.Roles ?? [], email_verified = u.EmailVerified }),
        }));

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("provider.mjs");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.BeginErrorReadLine();

        // The provider closes when its stdin does, so a test run that dies leaves no provider behind.
        // Node loads oidc-provider's modules first: on a busy two-core machine (the whole suite in parallel) that once took
        // longer than 30 s, so the deadline is generous and a miss says what the provider wrote.
        string? ready;
        try
        {
            ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The test identity provider did not say READY within 90 s.\n{string.Join("\n", errors)}");
        }

        if (ready != $"READY {issuer}")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The test identity provider did not start: {ready}\n{string.Join("\n", errors)}");
        }

        return new OidcProvider(process, new Uri(issuer + "/"));
    }

    /// <summary>The settings that put an app behind this provider.</summary>
    public Dictionary<string, string?> AppSettings(string? adminGroup = "reapiweb-admins", string[]? allowedGroups = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Oidc:Authority"] = Issuer.AbsoluteUri.TrimEnd('/'),
            ["Auth:Oidc:ClientId"] = ClientId,
            ["Auth:Oidc:ClientSecret"] = ClientSecret,
            ["Auth:Oidc:DisplayName"] = "Test IdP",
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Oidc:AdminGroups:0"] = adminGroup,
        };
        foreach (var (group, index) in (allowedGroups ?? []).Select((g, i) => (g, i)))
        {
            settings[$"Auth:Oidc:AllowedGroups:{index}"] = group;
        }

        return settings;
    }

    /// <summary>Changes a person at the provider (groups, roles, disabled, name, email).</summary>
    public async Task ChangeUserAsync(string id, object changes)
    {
        using var response = await _control.PostAsJsonAsync($"__test/users/{id}", changes);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        await Task.CompletedTask;
    }
}
