using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ReApi.Client.RateLimiting;

namespace ReApi.Client;

/// <summary>
/// The typed reAPI task client. Every call passes the shared <see cref="IUpstreamRateGate"/>; GETs are retried on
/// transient faults with backoff; a POST is never retried, and when its outcome cannot be known the exception says so.
/// </summary>
public sealed class ReApiClient(
    HttpClient http,
    IReApiConnectionSource connections,
    IUpstreamRateGate gate,
    TimeProvider time,
    ReApiClientOptions? options = null)
{
    private readonly ReApiClientOptions _options = options ?? new ReApiClientOptions();

    /// <summary>
    /// How long a granted slot stays good for a POST. The gate spaces grants, not departures: POSTs whose caller's record
    /// waited after the grant (for the database, under load) would leave together, a burst reAPI counts in one second.
    /// </summary>
    private static readonly TimeSpan SlotFreshness = TimeSpan.FromMilliseconds(25);

    /// <summary>Submits a generation. Charged by reAPI when it answers with a task id.</summary>
    public Task<SubmittedTask> SubmitAsync(ReApiEndpoint endpoint, JsonObject body, CancellationToken cancellationToken) =>
        SubmitAsync(endpoint, body, sending: null, cancellationToken);

    /// <summary>
    /// Submits a generation. <paramref name="sending"/> runs once the rate gate granted the slot, right before the
    /// request goes out: a caller records there that the POST left (so after a crash it knows whether it may have),
    /// and may refuse by throwing, in which case nothing is sent.
    /// </summary>
    public async Task<SubmittedTask> SubmitAsync(ReApiEndpoint endpoint, JsonObject body, Func<CancellationToken, Task>? sending, CancellationToken cancellationToken)
    {
        var slot = await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Submit, cancellationToken).ConfigureAwait(false);
        HttpStatusCode status;
        string text;
        HttpResponseHeaders headers;
        try
        {
            if (sending is not null)
            {
                var granted = time.GetTimestamp();
                await sending(cancellationToken).ConfigureAwait(false);
                if (time.GetElapsedTime(granted) > SlotFreshness)
                {
                    // The first slot stays counted for a window (nothing used it); this one is taken when the POST can leave at once.
                    slot.Dispose();
                    slot = await gate.AcquireUntilAnsweredAsync(UpstreamCallKind.Submit, cancellationToken).ConfigureAwait(false);
                }
            }

            // Read once the slot is ours: a key rotated or removed while the call waited at the gate is not used.
            var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = CreateRequest(HttpMethod.Post, connection, endpoint.Path());
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            (status, text, headers) = await SendAsync(request, isPost: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slot.Dispose();
        }

        if (status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted)
        {
            try
            {
                return ReApiResponseParser.ParseSubmit(text);
            }
            catch (ReApiException e)
            {
                // reAPI accepted something but we cannot read the task id: the task may exist and be charged.
                throw new ReApiException(ReApiErrorKind.InvalidResponse, e.Message, (int)status, outcomeUnknown: true, innerException: e);
            }
        }

        if ((int)status is >= 200 and < 400)
        {
            // An answer reAPI does not document for a submission: a task may exist and be charged.
            throw new ReApiException(ReApiErrorKind.InvalidResponse, $"reAPI answered the submission with HTTP {(int)status}.", (int)status, outcomeUnknown: true);
        }

        throw Fail(status, text, headers, isPost: true);
    }

    /// <summary>Reads a task, retrying transient faults with backoff.</summary>
    public Task<ReApiTask> GetTaskAsync(string taskId, CancellationToken cancellationToken) =>
        GetAsync(TaskPath(taskId), UpstreamCallKind.Poll, ReApiResponseParser.ParseTask, slotTaken: false, _options.GetAttempts, cancellationToken);

    /// <summary>
    /// Reads a task once, with a gate slot the caller already took: for a scheduler that takes the slot first and then
    /// decides which task deserves it, and that owns the retry itself.
    /// </summary>
    public Task<ReApiTask> GetTaskOnceAsync(string taskId, CancellationToken cancellationToken) =>
        GetAsync(TaskPath(taskId), UpstreamCallKind.Poll, ReApiResponseParser.ParseTask, slotTaken: true, attempts: 1, cancellationToken);

    public Task<long> GetBalanceAsync(CancellationToken cancellationToken) =>
        GetAsync("balance", UpstreamCallKind.Balance, ReApiResponseParser.ParseBalance, slotTaken: false, _options.GetAttempts, cancellationToken);

    private static string TaskPath(string taskId) =>
        ReApiResponseParser.TaskIdPattern().IsMatch(taskId)
            ? $"tasks/{Uri.EscapeDataString(taskId)}"
            : throw new ArgumentException("Not a reAPI task id.", nameof(taskId));

    private async Task<T> GetAsync<T>(string path, UpstreamCallKind kind, Func<string, T> parse, bool slotTaken, int attempts, CancellationToken cancellationToken)
    {
        var backoff = _options.GetBackoff;
        for (var attempt = 1; ; attempt++)
        {
            // A slot the caller took is its to mark answered; one taken here is marked when the answer is in.
            var slot = attempt > 1 || !slotTaken ? await gate.AcquireUntilAnsweredAsync(kind, cancellationToken).ConfigureAwait(false) : null;
            ReApiException failure;
            try
            {
                var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
                using var request = CreateRequest(HttpMethod.Get, connection, path);
                var (status, text, headers) = await SendAsync(request, isPost: false, cancellationToken).ConfigureAwait(false);
                if (status == HttpStatusCode.OK)
                {
                    return parse(text);
                }

                failure = Fail(status, text, headers, isPost: false);
            }
            catch (ReApiException e) when (e.Kind == ReApiErrorKind.Transport)
            {
                failure = e;
            }
            finally
            {
                slot?.Dispose();
            }

            if (!failure.IsTransient || attempt >= attempts)
            {
                throw failure;
            }

            // A 429 already paused the shared gate for Retry-After; other faults back off this call only.
            if (failure.Kind != ReApiErrorKind.RateLimited)
            {
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff *= 2;
            }
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, ReApiConnection connection, string path)
    {
        var baseUri = connection.BaseUri.AbsoluteUri.EndsWith('/') ? connection.BaseUri : new Uri(connection.BaseUri.AbsoluteUri + "/");
        var request = new HttpRequestMessage(method, new Uri(baseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(_options.UserAgent);
        return request;
    }

    private async Task<(HttpStatusCode Status, string Text, HttpResponseHeaders Headers)> SendAsync(
        HttpRequestMessage request, bool isPost, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, text, response.Headers);
        }
        catch (HttpRequestException e) when (NothingWasSent(e) is { } reason)
        {
            // The request never left this server: the outcome is known (no task, no charge).
            throw new ReApiException(ReApiErrorKind.Transport, $"reAPI could not be reached ({reason}).", innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new ReApiException(ReApiErrorKind.Transport, $"The connection to reAPI failed: {e.Message}", outcomeUnknown: isPost, innerException: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReApiException(ReApiErrorKind.Transport, "reAPI did not answer in time.", outcomeUnknown: isPost, innerException: e);
        }
    }

    private ReApiException Fail(HttpStatusCode status, string text, HttpResponseHeaders headers, bool isPost)
    {
        var error = ReApiResponseParser.ParseError(status, text, headers, time, isPost);
        if (error.Kind == ReApiErrorKind.RateLimited)
        {
            gate.Pause(error.RetryAfter ?? TimeSpan.FromSeconds(1));
        }

        return error;
    }

    /// <summary>
    /// Why a failed request provably sent no byte of itself: the host's name did not resolve, the connection was never
    /// opened, or the TLS handshake (which precedes the request) failed. Null when some of it may have reached reAPI.
    /// </summary>
    private static string? NothingWasSent(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "its host name did not resolve",
        HttpRequestError.SecureConnectionError => "the secure connection could not be set up",
        HttpRequestError.ProxyTunnelError => "the proxy refused the connection",
        HttpRequestError.ConnectionError when e.InnerException is SocketException socket => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "its host name did not resolve",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to its host",
            _ => null,
        },
        _ => null,
    };
}
