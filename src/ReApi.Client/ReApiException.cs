namespace ReApi.Client;

/// <summary>
/// An upstream failure, mapped from reAPI's error envelope
/// <c>{"error":{"code":20002,"message":"…","request_id":"req_…"}}</c> or from the transport.
/// </summary>
public sealed class ReApiException : Exception
{
    public ReApiException(
        ReApiErrorKind kind,
        string message,
        int? httpStatus = null,
        int? code = null,
        string? requestId = null,
        TimeSpan? retryAfter = null,
        bool outcomeUnknown = false,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        HttpStatus = httpStatus;
        Code = code;
        RequestId = requestId;
        RetryAfter = retryAfter;
        OutcomeUnknown = outcomeUnknown;
    }

    public ReApiErrorKind Kind { get; }

    /// <summary>The HTTP status, or null when no answer arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>reAPI's 5-digit code, when the body carried one.</summary>
    public int? Code { get; }

    public string? RequestId { get; }

    /// <summary>How long reAPI asked us to wait (429 only).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True when a POST may have reached reAPI and created (and charged) a task although we got no
    /// usable answer: a timeout or broken connection after sending, or a 5xx. Such a POST must never be
    /// repeated automatically.
    /// </summary>
    public bool OutcomeUnknown { get; }

    /// <summary>True for failures where asking again later may succeed (GETs only).</summary>
    public bool IsTransient => Kind is ReApiErrorKind.Server or ReApiErrorKind.Transport or ReApiErrorKind.RateLimited;

    public override string ToString() =>
        $"{Kind} (HTTP {HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, code {Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {Message}";
}
