using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ReApi.Client;
using ReApi.Client.Chat;
using ReApi.Client.RateLimiting;
using ReApiWeb.Features.Telemetry;

namespace ReApiWeb.Features.Upstream;

/// <summary>The outcome of testing an account's key: its balance, or why the call failed.</summary>
public sealed record AccountTest(long? Balance, string? Problem)
{
    public bool Passed => Problem is null;
}

/// <summary>
/// One upstream client per account, each behind its own rate gate (its own request budget), all sharing one pool of
/// connections. A client asks for its account's key at every call, so a rotated key is used at once by the jobs in
/// flight. The account <c>null</c> is the built-in sandbox, mounted at <see cref="SandboxPath"/> on the app's own
/// address with a key only this installation knows.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    public const string SandboxPath = "/sandbox/api/v1";

    /// <summary>The embedded sandbox's chat host, beside its task API.</summary>
    public const string SandboxChatPath = "/sandbox/v1";

    private readonly UpstreamAccounts _accounts;
    private readonly IOptions<SandboxModeOptions> _sandboxOptions;
    private readonly SandboxKey _sandboxKey;
    private readonly IServer _server;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<Guid, Entry> _clients = new();
    private readonly Entry _sandbox;
    private readonly ConcurrentDictionary<Guid, ChatEntry> _chatClients = new();
    private readonly ReApiChatClient _sandboxChat;
    private readonly HttpClient _chatHttp;

    private readonly IRateGates _gates;
    private readonly AppMetrics _metrics;
    private readonly UpstreamActivity _activity;
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
    private readonly SocketsHttpHandler _chatHandler;
    private readonly TimeSpan _timeout;

    public UpstreamClients(UpstreamAccounts accounts, IOptions<ReApiOptions> options, IOptions<SandboxModeOptions> sandboxOptions, SandboxKey sandboxKey, IServer server, IRateGates gates, AppMetrics metrics, UpstreamActivity activity, TimeProvider time)
    {
        _metrics = metrics;
        _activity = activity;
        _timeout = TimeSpan.FromSeconds(options.Value.RequestTimeoutSeconds);
        _chatHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = _timeout };
        _gates = gates;
        _accounts = accounts;
        _sandboxOptions = sandboxOptions;
        _sandboxKey = sandboxKey;
        _server = server;
        _time = time;
        _http = Http(_handler, SandboxLabel, _timeout);
        var sandboxGate = Gate(SandboxLabel, UpstreamActivity.TasksBudget, options.Value.RequestsPerSecond, options.Value.RateWindowMilliseconds);
        _sandbox = new Entry(new ReApiClient(_http, new SandboxConnection(this), sandboxGate, time), sandboxGate, options.Value.RequestsPerSecond, options.Value.RateWindowMilliseconds);

        // A streamed reply may last minutes: the chat client has no overall timeout (a stopped or abandoned reply is cancelled).
        _chatHttp = Http(_chatHandler, SandboxLabel, Timeout.InfiniteTimeSpan);
        var sandboxChatGate = Gate(SandboxLabel, UpstreamActivity.ChatBudget, options.Value.RequestsPerSecond, options.Value.RateWindowMilliseconds);
        _sandboxChat = new ReApiChatClient(_chatHttp, new SandboxChatConnection(this), sandboxChatGate);
    }

    /// <summary>The chat client of <paramref name="accountId"/> (null: the sandbox's chat host), behind the account's chat budget.</summary>
    public async ValueTask<ReApiChatClient> ChatForAsync(Guid? accountId, CancellationToken cancellationToken)
    {
        if (accountId is not { } id)
        {
            return _sandboxChat;
        }

        var info = await _accounts.FindAsync(id, cancellationToken);
        var (perWindow, window) = info is null ? (1, 1050) : (info.ChatRequestsPerSecond, info.RateWindowMilliseconds);
        return _chatClients.AddOrUpdate(id,
            _ => NewChatEntry(id, perWindow, window),
            (_, existing) => existing.PerWindow == perWindow && existing.WindowMilliseconds == window ? existing : NewChatEntry(id, perWindow, window)).Client;
    }

    /// <summary>Tests the account's chat host and key with its model list (one request of its chat budget) and records the outcome.</summary>
    public async Task<string?> TestChatAsync(Guid accountId, CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            var models = await (await ChatForAsync(accountId, cancellationToken)).ListModelsAsync(cancellationToken);
            problem = models.Count > 0 ? null : "The chat host lists no models for this key.";
        }
        catch (ReApiException e)
        {
            problem = e.Kind == ReApiErrorKind.Authentication ? $"The chat host refused the key: {e.Message}" : $"The chat test could not reach the chat host: {e.Message}";
        }

        await _accounts.RecordChatTestAsync(accountId, problem, cancellationToken);
        return problem;
    }

    private ChatEntry NewChatEntry(Guid id, int perWindow, int windowMilliseconds)
    {
        var gate = Gate(id.ToString("N"), UpstreamActivity.ChatBudget, perWindow, windowMilliseconds);
        return new ChatEntry(new ReApiChatClient(Http(_chatHandler, id.ToString("N"), Timeout.InfiniteTimeSpan), new AccountChatConnection(_accounts, id), gate), perWindow, windowMilliseconds);
    }

    /// <summary>The client (and its gate) of <paramref name="accountId"/>; null: the sandbox.</summary>
    public async ValueTask<(ReApiClient Client, IUpstreamRateGate Gate)> ForAsync(Guid? accountId, CancellationToken cancellationToken)
    {
        if (accountId is not { } id)
        {
            return (_sandbox.Client, _sandbox.Gate);
        }

        var info = await _accounts.FindAsync(id, cancellationToken);
        var (perWindow, window) = info is null ? (1, 1050) : (info.RequestsPerSecond, info.RateWindowMilliseconds);
        var entry = _clients.AddOrUpdate(id,
            _ => NewEntry(id, perWindow, window),
            (_, existing) => existing.PerWindow == perWindow && existing.WindowMilliseconds == window ? existing : NewEntry(id, perWindow, window));
        return (entry.Client, entry.Gate);
    }

    public async ValueTask<ReApiClient> ClientAsync(Guid? accountId, CancellationToken cancellationToken) => (await ForAsync(accountId, cancellationToken)).Client;

    /// <summary>Tests the account's key with a balance call (one request of its budget) and records the outcome.</summary>
    public async Task<AccountTest> TestAsync(Guid accountId, CancellationToken cancellationToken)
    {
        try
        {
            var balance = await (await ClientAsync(accountId, cancellationToken)).GetBalanceAsync(cancellationToken);
            await _accounts.RecordTestAsync(accountId, null, keyRefused: false, cancellationToken);
            return new AccountTest(balance, null);
        }
        catch (ReApiException e)
        {
            var refused = e.Kind == ReApiErrorKind.Authentication;
            var problem = refused ? $"reAPI refused the key: {e.Message}" : $"The test could not reach reAPI: {e.Message}";
            await _accounts.RecordTestAsync(accountId, problem, keyRefused: refused, cancellationToken);
            return new AccountTest(null, problem);
        }
    }

    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> is an account's or the embedded sandbox's (outputs are fetched from there).</summary>
    public async ValueTask<bool> IsUpstreamAsync(string host, int port, CancellationToken cancellationToken)
    {
        static bool Same(string url, string host, int port) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port == port && string.Equals(uri.Host, host, StringComparison.OrdinalIgnoreCase);

        if ((await _accounts.ListAsync(cancellationToken)).Any(a => Same(a.BaseUrl, host, port)))
        {
            return true;
        }

        try
        {
            return Same(SelfBaseUrl(), host, port);
        }
        catch (ReApiException)
        {
            return false;
        }
    }

    private Entry NewEntry(Guid id, int perWindow, int windowMilliseconds)
    {
        var gate = Gate(id.ToString("N"), UpstreamActivity.TasksBudget, perWindow, windowMilliseconds);
        return new Entry(new ReApiClient(Http(_handler, id.ToString("N"), _timeout), new AccountConnection(_accounts, id), gate, _time), gate, perWindow, windowMilliseconds);
    }

    /// <summary>
    /// The gate of one budget of an account (its tasks', or its chat host's: "{account}:chat" shares it between
    /// instances), measured: the wait for a slot and the share of the budget in use go to the metrics.
    /// </summary>
    private MeasuredRateGate Gate(string account, string budget, int perWindow, int windowMilliseconds)
    {
        _activity.Budget(account, budget, perWindow, windowMilliseconds);
        var scope = budget == UpstreamActivity.ChatBudget ? account + ":chat" : account;
        return new MeasuredRateGate(_gates.Create(scope, perWindow, TimeSpan.FromMilliseconds(windowMilliseconds)), account, budget, _metrics, _time);
    }

    private string SelfBaseUrl()
    {
        if (!string.IsNullOrEmpty(_sandboxOptions.Value.SelfUrl))
        {
            return _sandboxOptions.Value.SelfUrl;
        }

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new ReApiException(ReApiErrorKind.Transport, "The sandbox cannot be reached: the app has no listening address (set Sandbox:SelfUrl).");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The label metrics give the built-in sandbox in place of an account id.</summary>
    public const string SandboxLabel = "sandbox";

    /// <summary>A client over the shared pool of connections that counts and times its requests under <paramref name="account"/>.</summary>
    private HttpClient Http(SocketsHttpHandler pool, string account, TimeSpan timeout) =>
        new(new UpstreamMetricsHandler(_metrics, _activity, account) { InnerHandler = pool }, disposeHandler: false) { Timeout = timeout };

    public void Dispose()
    {
        _http.Dispose();
        _chatHttp.Dispose();
        _handler.Dispose();
        _chatHandler.Dispose();
    }

    private sealed record Entry(ReApiClient Client, IUpstreamRateGate Gate, int PerWindow, int WindowMilliseconds);

    private sealed record ChatEntry(ReApiChatClient Client, int PerWindow, int WindowMilliseconds);

    private sealed class AccountChatConnection(UpstreamAccounts accounts, Guid id) : IReApiConnectionSource
    {
        public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) => accounts.ChatConnectionAsync(id, cancellationToken);
    }

    private sealed class SandboxChatConnection(UpstreamClients owner) : IReApiConnectionSource
    {
        public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ReApiConnection(new Uri(owner.SelfBaseUrl().TrimEnd('/') + SandboxChatPath + "/"), owner._sandboxKey.Value));
    }

    private sealed class AccountConnection(UpstreamAccounts accounts, Guid id) : IReApiConnectionSource
    {
        public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) => accounts.ConnectionAsync(id, cancellationToken);
    }

    private sealed class SandboxConnection(UpstreamClients owner) : IReApiConnectionSource
    {
        public ValueTask<ReApiConnection> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ReApiConnection(new Uri(owner.SelfBaseUrl().TrimEnd('/') + SandboxPath + "/"), owner._sandboxKey.Value));
    }
}

/// <summary>The embedded sandbox's key, kept (protected) in the database so its tasks survive a restart; it never leaves the server.</summary>
public sealed class SandboxKey
{
    private string? _value;

    public string Value => _value ?? throw new InvalidOperationException("The sandbox key is set when the app starts.");

    internal void Set(string value) => _value = value;
}
