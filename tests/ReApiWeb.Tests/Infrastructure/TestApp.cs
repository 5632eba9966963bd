using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Features.Events;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// The real app on a loopback port (Kestrel), with its own SQLite file and outputs folder. Several instances may be
/// started one after the other on the same data folder to test restarts.
/// </summary>
public sealed partial class TestApp : IAsyncDisposable
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "correct-horse-battery";

    private readonly Factory _factory;

    private TestApp(Factory factory, Uri baseUri)
    {
        _factory = factory;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Every line the app logged (at the configured levels), with its exception, as text.</summary>
    public IEnumerable<string> LogLines => _factory.Logs;

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts the app on <paramref name="port"/> (any free one by default). <paramref name="settings"/> override
    /// configuration (e.g. <c>ReApi:BaseUrl</c>).
    /// </summary>
    public static TestApp Start(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, int port = 0)
    {
        var all = Settings(dataDirectory, settings);
        var factory = new Factory(all);
        factory.UseKestrel(port);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestApp(factory, new Uri(address));
    }

    /// <summary>What every test instance runs with (its data folder, the known admin, quiet logs), then <paramref name="settings"/>.</summary>
    public static Dictionary<string, string?> Settings(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(dataDirectory, "app.db")}",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:BootstrapAdmin:Email"] = AdminEmail,
            ["Auth:BootstrapAdmin:Password"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    /// <summary>Settings that point the app at a sandbox server as if it were reAPI, with <paramref name="key"/> as the shared key.</summary>
    public static Dictionary<string, string?> UpstreamSettings(Uri sandboxBase, string? key) => new()
    {
        ["ReApi:BaseUrl"] = sandboxBase.AbsoluteUri,
        ["ReApi:ApiKey"] = key,
        ["Sandbox:Enabled"] = "false",
    };

    /// <summary>A loopback port free right now (for a process that must know its address before it starts).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ReApiWeb.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }

    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "reapiweb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, looking every 20 ms, for state no event announces (which
    /// instance leads); fails naming <paramref name="what"/> when it does not hold in time.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s in vain for this: {what}.");
            }
        }
    }

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds, asking every 100 ms (a database another process writes).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s in vain for this: {what}.");
            }
        }
    }

    /// <summary>The account new jobs go to first (the one seeded from configuration), or null in sandbox mode.</summary>
    public async Task<Guid?> DefaultAccountIdAsync() =>
        (await Services.GetRequiredService<ReApiWeb.Features.Upstream.UpstreamAccounts>().ListAsync(CancellationToken.None)).FirstOrDefault()?.Id;

    public async Task<Guid> AdminIdAsync()
    {
        await using var db = await DbAsync();
        return await db.Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync();
    }

    public async Task<AppDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>Waits until the job satisfies <paramref name="condition"/>, re-checking on every job event (no fixed sleeps).</summary>
    public async Task<Job> WaitForJobAsync(Guid jobId, Func<Job, bool> condition, TimeSpan? timeout = null)
    {
        var changed = new SemaphoreSlim(0);
        using var subscription = Services.GetRequiredService<IEventBus>().OnChange(EventTopic.Job(jobId), () => changed.Release());
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        Job? last = null;
        while (true)
        {
            await using (var db = await DbAsync())
            {
                var job = last = await db.Jobs.AsNoTracking().Include(j => j.Outputs).SingleAsync(j => j.Id == jobId, deadline.Token);
                if (condition(job))
                {
                    return job;
                }
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Job {jobId} did not reach the expected state in time: last seen {last?.Status}, task {last?.TaskId ?? "none"}, account {last?.AccountId?.ToString() ?? "none"}, outputs {string.Join(", ", last?.Outputs.Select(o => o.StoragePath ?? "not archived") ?? [])}, error {last?.ErrorMessage ?? "none"}.");
            }
        }
    }

    /// <summary>An HTTP client signed in through the real sign-in form (antiforgery token included).</summary>
    public async Task<HttpClient> SignedInClientAsync(string email = AdminEmail, string password = AdminPassword) =>
        ClientWith(await SignInAsync(email, password));

    /// <summary>Signs in through the real form and returns the cookies (for HTTP and SignalR clients).</summary>
    public async Task<CookieContainer> SignInAsync(string email = AdminEmail, string password = AdminPassword)
    {
        var cookies = new CookieContainer();
        using var client = ClientWith(cookies);
        var page = await client.GetStringAsync(new Uri(BaseUri, "/login"));
        var token = AntiforgeryToken(page);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = "/jobs",
        });
        using var response = await client.PostAsync(new Uri(BaseUri, "/authentication/login"), form);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/jobs")
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return cookies;
    }

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>.</summary>
    public static string AntiforgeryToken(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    public HttpClient AnonymousClient() => ClientWith(new CookieContainer());

    private HttpClient ClientWith(CookieContainer cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = BaseUri };

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // As deployed (and as the README's run command starts it): no developer exception page, the real error handling.
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new CapturingLoggerProvider(Logs)));
        }
    }

    private sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // The structured values too, not only the message: a secret must not hide in a property either.
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
