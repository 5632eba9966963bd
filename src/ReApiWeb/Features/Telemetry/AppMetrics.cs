using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReApiWeb.Features.Telemetry;

/// <summary>
/// The app's own metrics (meter <see cref="MeterName"/>), named by OpenTelemetry's conventions; exported by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and at <c>/metrics</c> for Prometheus when an admin turned it on.
/// Prometheus shows them with dots as underscores and counters ending in <c>_total</c>
/// (<c>reapiweb_upstream_requests_total</c>).
/// </summary>
public sealed class AppMetrics
{
    public const string MeterName = "ReApiWeb";

    private readonly Counter<long> _upstreamRequests;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _ledgerCredits;
    private readonly Counter<long> _jobsAdmitted;
    private readonly Counter<long> _jobsFinished;
    private readonly Histogram<double> _detectionDelay;
    private readonly Counter<long> _chatTokens;
    private readonly Counter<long> _archiveBytes;

    public AppMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _upstreamRequests = meter.CreateCounter<long>("reapiweb.upstream.requests", "{request}", "Requests sent to reAPI, by account, kind (submit, poll, balance, chat, chat_test) and HTTP status (or transport)");
        _upstreamDuration = meter.CreateHistogram<double>("reapiweb.upstream.request.duration", "s", "How long reAPI took to answer (to the headers, for a streamed chat reply)");
        _rateLimited = meter.CreateCounter<long>("reapiweb.upstream.rate_limited", "{response}", "429 answers from reAPI, by account");
        _ledgerCredits = meter.CreateCounter<long>("reapiweb.ledger.credits", "{credit}", "Credits booked on the ledger, by entry kind (hold, charge, release, refund, top_up, adjustment) and source (job, chat, admin)");
        _jobsAdmitted = meter.CreateCounter<long>("reapiweb.jobs.admitted", "{job}", "Jobs admitted (held and queued to be sent), by model");
        _jobsFinished = meter.CreateCounter<long>("reapiweb.jobs.finished", "{job}", "Jobs that reached an end, by status");
        _detectionDelay = meter.CreateHistogram<double>("reapiweb.jobs.detection_delay", "s", "How late a finished task was seen: half the gap between the poll that saw it running and the one that saw it done");
        _chatTokens = meter.CreateCounter<long>("reapiweb.chat.tokens", "{token}", "Chat tokens charged, by model and direction (input, output)");
        _archiveBytes = meter.CreateCounter<long>("reapiweb.archive.bytes", "By", "Bytes of outputs copied into the app's storage");
    }

    public void UpstreamRequest(string account, string kind, string status, TimeSpan duration)
    {
        var tags = new TagList { { "account", account }, { "kind", kind }, { "status", status } };
        _upstreamRequests.Add(1, tags);
        _upstreamDuration.Record(duration.TotalSeconds, tags);
        if (status == "429")
        {
            _rateLimited.Add(1, new KeyValuePair<string, object?>("account", account));
        }
    }

    public void Ledger(Data.LedgerEntry entry) =>
        _ledgerCredits.Add(entry.Credits, new TagList
        {
            { "kind", entry.Kind switch { Data.LedgerEntryKind.TopUp => "top_up", _ => entry.Kind.ToString().ToLowerInvariant() } },
            { "source", entry.JobId is not null ? "job" : entry.ChatReplyId is not null ? "chat" : "admin" },
        });

    public void JobsAdmitted(string modelId, int count) => _jobsAdmitted.Add(count, new KeyValuePair<string, object?>("model", modelId));

    public void JobFinished(Data.JobStatus status) => _jobsFinished.Add(1, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));

    public void DetectionDelay(TimeSpan delay) => _detectionDelay.Record(delay.TotalSeconds);

    public void ChatTokens(string modelId, long input, long output)
    {
        _chatTokens.Add(input, new TagList { { "model", modelId }, { "direction", "input" } });
        _chatTokens.Add(output, new TagList { { "model", modelId }, { "direction", "output" } });
    }

    public void Archived(long bytes) => _archiveBytes.Add(bytes);
}
