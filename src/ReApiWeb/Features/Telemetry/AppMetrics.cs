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

    /// <summary>
    /// Buckets for durations in seconds, from a quick answer to a task seen minutes late (the SDK's defaults are made for
    /// milliseconds: everything here would fall into its first bucket).
    /// </summary>
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    private readonly Counter<long> _upstreamRequests;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _ledgerCredits;
    private readonly Counter<long> _jobsAdmitted;
    private readonly Counter<long> _jobsFinished;
    private readonly Histogram<double> _detectionDelay;
    private readonly Counter<long> _chatTokens;
    private readonly Counter<long> _archiveBytes;
    private readonly Histogram<double> _gateWait;
    private readonly Histogram<double> _admission;
    private readonly Histogram<double> _submissionWait;

    public AppMetrics(IMeterFactory meters, UpstreamActivity activity, ActiveJobCounts activeJobs)
    {
        var meter = meters.Create(MeterName);
        _upstreamRequests = meter.CreateCounter<long>("reapiweb.upstream.requests", "{request}", "Requests sent to reAPI, by account, kind (submit, poll, balance, chat, chat_test) and HTTP status (or transport)");
        _upstreamDuration = meter.CreateHistogram<double>("reapiweb.upstream.request.duration", "s", "How long reAPI took to answer (to the headers, for a streamed chat reply)", tags: null, advice: Seconds);
        _rateLimited = meter.CreateCounter<long>("reapiweb.upstream.rate_limited", "{response}", "429 answers from reAPI, by account");
        _ledgerCredits = meter.CreateCounter<long>("reapiweb.ledger.credits", "{credit}", "Credits booked on the ledger, by entry kind (hold, charge, release, refund, top_up, adjustment) and source (job, chat, admin)");
        _jobsAdmitted = meter.CreateCounter<long>("reapiweb.jobs.admitted", "{job}", "Jobs admitted (held and queued to be sent), by model");
        _jobsFinished = meter.CreateCounter<long>("reapiweb.jobs.finished", "{job}", "Jobs that reached an end, by status");
        _detectionDelay = meter.CreateHistogram<double>("reapiweb.jobs.detection_delay", "s", "How late a finished task was seen: half the gap between the poll that saw it running and the one that saw it done", tags: null, advice: Seconds);
        _chatTokens = meter.CreateCounter<long>("reapiweb.chat.tokens", "{token}", "Chat tokens charged, by model and direction (input, output)");
        _archiveBytes = meter.CreateCounter<long>("reapiweb.archive.bytes", "By", "Bytes of outputs copied into the app's storage");
        _gateWait = meter.CreateHistogram<double>("reapiweb.upstream.gate.wait", "s", "How long a call waited for a slot of its account's budget, by account, budget (tasks, chat) and kind (submit, poll, balance)", tags: null, advice: Seconds);
        _admission = meter.CreateHistogram<double>("reapiweb.jobs.admission.duration", "s", "A job's admission: from its checked request to the commit that held its credits and queued it", tags: null, advice: Seconds);
        _submissionWait = meter.CreateHistogram<double>("reapiweb.jobs.submission.wait", "s", "From a job's admission to its POST leaving for reAPI (the queue and the rate gate)", tags: null, advice: Seconds);
        meter.CreateObservableGauge("reapiweb.upstream.budget.utilization", () => activity.Utilization().Select(u =>
            new Measurement<double>(u.Utilization, new KeyValuePair<string, object?>("account", u.Account), new KeyValuePair<string, object?>("budget", u.Budget))),
            "1", "The share of an account's budget this instance used over the last 5 seconds (1: every slot), by account and budget (tasks, chat)");
        meter.CreateObservableGauge("reapiweb.jobs.active", () => activeJobs.Current.Select(c =>
            new Measurement<long>(c.Count, new KeyValuePair<string, object?>("account", c.Account), new KeyValuePair<string, object?>("status", c.Status))),
            "{job}", "Jobs not yet at an end, by account and status (submitting: queued to be sent; processing and stalled: tasks in flight; unconfirmed): the database's count, the same from every instance");
    }

    public void GateWait(string account, string budget, ReApi.Client.RateLimiting.UpstreamCallKind kind, TimeSpan wait) =>
        _gateWait.Record(wait.TotalSeconds, new TagList { { "account", account }, { "budget", budget }, { "kind", kind.ToString().ToLowerInvariant() } });

    public void Admitted(TimeSpan took) => _admission.Record(took.TotalSeconds);

    public void SubmissionWait(TimeSpan wait) => _submissionWait.Record(wait.TotalSeconds);

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
