using System.Diagnostics;

namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// Counts and times every request to reAPI on its way out, by account (its id, or "sandbox"), kind (from the method and
/// path) and answer status. One per account, over the connection pool all accounts share. Never records a URL's query,
/// a key or a body.
/// </summary>
public sealed class UpstreamMetricsHandler(AppMetrics metrics, UpstreamActivity activity, string account) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var kind = KindOf(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Record(kind, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), started);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Record(kind, cancellationToken.IsCancellationRequested ? "cancelled" : "transport", started);
            throw;
        }
    }

    private void Record(string kind, string status, long started)
    {
        metrics.UpstreamRequest(account, kind, status, Stopwatch.GetElapsedTime(started));
        activity.Record(account, kind, status);
    }

    /// <summary>submit, poll, balance, chat, chat_test or other, from the method and the path's last segments.</summary>
    public static string KindOf(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return "chat";
        }

        if (request.Method == HttpMethod.Post)
        {
            return "submit";
        }

        return path switch
        {
            _ when path.Contains("/tasks/", StringComparison.Ordinal) => "poll",
            _ when path.EndsWith("/balance", StringComparison.Ordinal) => "balance",
            _ when path.EndsWith("/models", StringComparison.Ordinal) => "chat_test",
            _ => "other",
        };
    }
}
