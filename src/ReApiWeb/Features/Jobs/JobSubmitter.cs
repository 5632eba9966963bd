using ReApiWeb.Features.Cluster;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Jobs.Scheduling;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Jobs;

/// <summary>What a person asked for: a model, its parameters, the form's submission key, and the job it was made from.</summary>
public sealed record JobRequest(string ModelId, JsonObject Parameters, Guid SubmissionKey, Guid? SourceJobId = null);

/// <summary>A request checked and priced (<see cref="Draft"/>), or why it cannot be made (<see cref="Failure"/>).</summary>
public sealed record PreparedJob(JobDraft? Draft, SubmitResult? Failure);

/// <summary>
/// The outcome of a submission. <see cref="Problems"/> lists input errors (no job was made); otherwise
/// <see cref="JobId"/> names the job and <see cref="Status"/> says where it stands, with <see cref="Error"/> when
/// reAPI refused it or its fate is unknown.
/// </summary>
/// <see cref="UpstreamError"/> is reAPI's answer when it refused the POST or its outcome is unknown.
/// <see cref="QuotaRefusal"/> says which allowance refused the job (no job was made); <see cref="Credits"/> is its price and
/// <see cref="Notices"/> the allowance warnings due with this submission.
public sealed record SubmitResult(Guid? JobId, JobStatus? Status, IReadOnlyList<RequestProblem> Problems, string? Error, ReApiException? UpstreamError = null)
{
    public string? QuotaRefusal { get; init; }

    /// <summary>Set when none of the person's groups may use the model (no job was made).</summary>
    public string? ModelRefusal { get; init; }

    public long? Credits { get; init; }

    /// <summary>Set when the submission key was used before for a different request (no job was made).</summary>
    public string? Conflict { get; init; }

    /// <summary>Set when the server could not take the job (its disk is full, no account can take it); no job was made, nothing charged.</summary>
    public string? Unavailable { get; init; }

    /// <summary>The HTTP status that fits <see cref="Unavailable"/>: 507 for a full disk, 503 when no account can take jobs.</summary>
    public int UnavailableStatus { get; init; } = 507;

    public IReadOnlyList<string> Notices { get; init; } = [];

    public static SubmitResult Invalid(IReadOnlyList<RequestProblem> problems) => new(null, null, problems, null);

    public static SubmitResult NotAllowed(string refusal) => new(null, null, [], refusal) { ModelRefusal = refusal };

    public static SubmitResult Refused(string refusal, long credits) => new(null, null, [], refusal) { QuotaRefusal = refusal, Credits = credits };

    public static SubmitResult Conflicting(string conflict) => new(null, null, [], conflict) { Conflict = conflict };

    public static SubmitResult NotStored(string reason) => new(null, null, [], reason) { Unavailable = reason };
}

/// <summary>
/// Validates, stores, then submits a job with its account's key: the job row exists before the POST, the moment the POST
/// leaves is recorded before it is sent, and the POST is sent once and never repeated when its outcome is unknown.
/// People take turns at the rate gate of the job's account (<see cref="SubmissionTurns"/>).
/// </summary>
public sealed partial class JobSubmitter(
    IDbContextFactory<AppDbContext> dbFactory,
    ModelCatalog catalog,
    ModelAccess access,
    PriceBook prices,
    JobAdmission admissions,
    WriteGate writes,
    SubmissionTurns turns,
    JobStateMachine states,
    UpstreamClients clients,
    UpstreamAccounts accounts,
    AccountRouter router,
    PollSchedules schedules,
    InstanceRegistry instance,
    Telemetry.AppMetrics metrics,
    TimeProvider time,
    ILogger<JobSubmitter> logger)
{
    private const int RateLimitedAttempts = 3;

    /// <summary>Checks that the model exists, that the person may use it and that the request is valid, then prices it.</summary>
    public async Task<PreparedJob> PrepareAsync(Guid ownerId, JobRequest request, CancellationToken cancellationToken) =>
        (await PrepareAsync(ownerId, [request], cancellationToken))[0];

    /// <summary>Prepares several requests of one person (a batch), reading what they may use once.</summary>
    public async Task<IReadOnlyList<PreparedJob>> PrepareAsync(Guid ownerId, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
    {
        var allowed = await access.AllowedAsync(ownerId, cancellationToken);
        var prepared = new List<PreparedJob>(requests.Count);
        foreach (var request in requests)
        {
            prepared.Add(await PrepareOneAsync(request, allowed, cancellationToken));
        }

        return prepared;
    }

    private async Task<PreparedJob> PrepareOneAsync(JobRequest request, IReadOnlySet<string>? allowed, CancellationToken cancellationToken)
    {
        var model = catalog.Find(request.ModelId);
        if (model is null)
        {
            return new(null, SubmitResult.Invalid([new RequestProblem("model", ProblemKind.Invalid, $"'{request.ModelId}' is not a model this dashboard offers.")]));
        }

        if (allowed is not null && !allowed.Contains(model.Id))
        {
            return new(null, SubmitResult.NotAllowed($"Your groups may not use {model.DisplayName}. Ask an admin if you need it."));
        }

        var body = new JsonObject { ["model"] = model.Id };
        foreach (var (name, value) in request.Parameters)
        {
            if (name != "model")
            {
                body[name] = value?.DeepClone();
            }
        }

        var problems = RequestValidator.Validate(model, body);
        if (problems.Count > 0)
        {
            return new(null, SubmitResult.Invalid(problems));
        }

        var quote = await prices.QuoteAsync(model, body, cancellationToken);
        return new(new JobDraft(model, body, quote, request.SubmissionKey, request.SourceJobId), null);
    }

    public async Task<SubmitResult> SubmitAsync(Guid ownerId, JobRequest request, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(ownerId, request, cancellationToken);
        if (prepared.Draft is not { } draft)
        {
            return prepared.Failure!;
        }

        var (model, body, quote) = (draft.Model, draft.Body, draft.Quote);
        Job job;
        Admission admission;
        bool isNew;
        try
        {
            (job, admission, isNew) = await admissions.AdmitAsync(ownerId, draft, cancellationToken);
        }
        catch (Exception e) when (StorageErrors.IsDiskFull(e))
        {
            LogDiskFull(ownerId, model.Id);
            return SubmitResult.NotStored(NotStoredMessage);
        }

        if (admission.NoAccount)
        {
            LogNoAccount(ownerId, model.Id, admission.Refusal!);
            return SubmitResult.NotStored(admission.Refusal!) with { UnavailableStatus = 503 };
        }

        if (admission.Refusal is { } refusal)
        {
            LogRefused(ownerId, model.Id, quote.Credits, refusal);
            return SubmitResult.Refused(refusal, quote.Credits);
        }

        if (!isNew)
        {
            // The same key again: the same request gets its first job back; another request under it is a mistake.
            return JsonNode.DeepEquals(JsonNode.Parse(job.RequestJson), body)
                ? new SubmitResult(job.Id, job.Status, [], job.ErrorMessage)
                : SubmitResult.Conflicting("This Idempotency-Key was already used for a different request. Use a new key for a new job.");
        }

        // The POST must not be abandoned halfway because a browser tab closed: it runs to its own timeout.
        var result = await SendAsync(job, model, body, CancellationToken.None);
        return result with { Credits = quote.Credits, Notices = admission.Notices };
    }

    public const string NotStoredMessage = $"{StorageErrors.DiskFullMessage} The job was not saved or sent, and nothing was charged. Tell an admin.";

    /// <summary>
    /// Sends a job that was admitted and not sent yet (still Submitting, no POST recorded): the next of a batch, or one
    /// a previous run left when it stopped. It is held, never charged, so it is sent now as it would have been; one
    /// that was cancelled (or taken by another sender) meanwhile is left alone.
    /// </summary>
    public async Task<SubmitResult> SendAdmittedAsync(Job job, CancellationToken cancellationToken)
    {
        if (catalog.Find(job.ModelId) is not { } model || JsonNode.Parse(job.RequestJson) is not JsonObject body)
        {
            var message = $"{job.ModelId} is no longer offered, so this job was not sent. Nothing was charged.";
            await SettleAsync(job, JobStatus.Rejected, null, message, cancellationToken);
            return new SubmitResult(job.Id, JobStatus.Rejected, [], message);
        }

        return await SendAsync(job, model, body, cancellationToken);
    }

    private async Task<SubmitResult> SendAsync(Job job, ModelSpec model, JsonObject body, CancellationToken cancellationToken)
    {
        List<Guid> tried = [];
        for (var attempt = 1; ; attempt++)
        {
            using var span = Telemetry.JobTracing.Start("submit", job.Id, job.ModelId, job.AccountId, System.Diagnostics.ActivityKind.Client);
            SubmittedTask task;
            try
            {
                var client = await clients.ClientAsync(job.AccountId, cancellationToken);
                using var turn = await turns.EnterAsync(job.AccountId, job.OwnerId, cancellationToken);
                task = await client.SubmitAsync(model.Endpoint, body, async ct =>
                {
                    // The slot is ours: the next person may queue for the gate while this POST is recorded and sent.
                    turn.Dispose();
                    await RecordPostStartAsync(job, ct);
                    if (attempt == 1)
                    {
                        metrics.SubmissionWait(time.GetUtcNow() - job.CreatedAt);
                    }
                }, cancellationToken);
            }
            catch (PostAlreadyStartedException)
            {
                // Another sender (a resuming instance) has this job; nothing was sent from here.
                return new SubmitResult(job.Id, JobStatus.Submitting, [], null);
            }
            catch (ReApiException e) when (e.Kind == ReApiErrorKind.RateLimited && attempt < RateLimitedAttempts)
            {
                // A 429 means reAPI made no task and charged nothing, so sending again is safe; the gate now waits Retry-After.
                LogRateLimited(job.Id, attempt);
                await ClearPostStartAsync(job, cancellationToken);
                continue;
            }
            catch (ReApiException e)
            {
                Telemetry.JobTracing.Failed(span, $"{e.Kind}: {e.Message}");

                // reAPI proved it made nothing (a refused key, too few credits): the person's next account is tried.
                // An unknown outcome is never sent again, anywhere.
                if (!e.OutcomeUnknown && job.AccountId is { } account && e.Kind is ReApiErrorKind.Authentication or ReApiErrorKind.InsufficientCredits
                    && await NextAccountAsync(job, account, tried, e, cancellationToken) is { } next)
                {
                    LogFailover(job.Id, account, next, e.Kind);
                    job.AccountId = next;
                    continue;
                }

                var status = e.OutcomeUnknown ? JobStatus.Unconfirmed : JobStatus.Rejected;
                var message = e.OutcomeUnknown
                    ? $"It is unknown whether reAPI received this job ({e.Message.TrimEnd('.')}). It was not sent again, to avoid paying twice; an admin can check it under Admin → Unconfirmed jobs."
                    : Explain(e);
                await SettleAsync(job, status, e.Code, message, cancellationToken);
                LogSubmitFailed(job.Id, e.Kind, e.HttpStatus, e.Code, e.Message);
                return new SubmitResult(job.Id, status, [], message, e);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Failed before anything reached reAPI (e.g. the stored key could not be read): nothing was charged.
                // (Stopping mid-POST is not such a failure: the job stays in this instance's hands, settled at the next start.)
                LogSubmitCrashed(e, job.Id);
                const string message = "The job could not be sent to reAPI because of an internal error (logged). Nothing was charged.";
                await SettleAsync(job, JobStatus.Rejected, null, message, cancellationToken);
                return new SubmitResult(job.Id, JobStatus.Rejected, [], message);
            }

            // reAPI accepted (and charged) the task: from here on its id must never be lost.
            span?.SetTag("reapiweb.task.id", task.Id);
            LogAccepted(job.Id, task.Id);
            return await RecordAcceptedAsync(job, task);
        }
    }

    /// <summary>
    /// Records, durably and before anything is sent, that this job's POST is leaving from this instance (which then has
    /// it in hand); refuses if it already left.
    /// </summary>
    private async Task RecordPostStartAsync(Job job, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Submitting && j.PostStartedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.PostStartedAt, now).SetProperty(j => j.InstanceId, instance.Id), cancellationToken) != 1)
        {
            throw new PostAlreadyStartedException();
        }
    }

    /// <summary>
    /// After reAPI refused the POST on <paramref name="account"/> in a way that proves no task was made, moves the job
    /// (never sent anywhere else, its POST mark cleared) to the person's next account that was not tried yet; null when
    /// there is none. A refused key takes its account out of routing until it passes a test again.
    /// </summary>
    private async Task<Guid?> NextAccountAsync(Job job, Guid account, List<Guid> tried, ReApiException refusal, CancellationToken cancellationToken)
    {
        tried.Add(account);
        if (refusal.Kind == ReApiErrorKind.Authentication)
        {
            await accounts.KeyRefusedAsync(account, refusal.Message, cancellationToken);
        }

        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var route = await router.RouteAsync(db, job.OwnerId, cancellationToken);
        var next = route.Accounts.FirstOrDefault(a => !tried.Contains(a));
        if (next == Guid.Empty)
        {
            return null;
        }

        var moved = await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Submitting && j.AccountId == account)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.AccountId, next)
                .SetProperty(j => j.PostStartedAt, (DateTimeOffset?)null), cancellationToken);
        return moved == 1 ? next : null;
    }

    /// <summary>After a 429 (no task made, nothing charged) the job is again one that never left.</summary>
    private async Task ClearPostStartAsync(Job job, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Submitting)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.PostStartedAt, (DateTimeOffset?)null), cancellationToken);
    }

    private sealed class PostAlreadyStartedException() : InvalidOperationException("This job's POST was already started by another sender.");

    /// <summary>Stores the accepted task id, retrying; if the database keeps failing the job is left for a person, with the id.</summary>
    private async Task<SubmitResult> RecordAcceptedAsync(Job job, SubmittedTask task)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AcceptedAsync(job, task, CancellationToken.None);
            }
            catch (Exception e) when (attempt < 5)
            {
                LogRecordRetry(e, job.Id, task.Id, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogRecordFailed(e, job.Id, task.Id);
                return new SubmitResult(job.Id, JobStatus.Unconfirmed, [], $"reAPI accepted this job as task {task.Id}, but the app could not record it. An admin must attach the task id.");
            }
        }
    }

    /// <summary>
    /// Saves the task id and turns the hold into a charge (Submitting normally; Unconfirmed when another instance's
    /// start-up sweep got there first: either way the id is known now), then follows the task on the job's account.
    /// </summary>
    private async Task<SubmitResult> AcceptedAsync(Job job, SubmittedTask task, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var accepted = await states.ApplyAsync(job.Id, JobTransitions.Accepted, s => s
                .SetProperty(j => j.TaskId, task.Id)
                .SetProperty(j => j.ErrorMessage, (string?)null)
                .SetProperty(j => j.SubmittedAt, now),
            where: j => j.TaskId == null, cancellationToken: cancellationToken)
            ?? throw new InvalidOperationException($"Job {job.Id} was no longer waiting for its task id.");
        schedules.Add(new PollTarget(job.Id, job.OwnerId, task.Id, job.ModelId, now, accepted.AccountId, job.DurationClass));
        return new SubmitResult(job.Id, JobStatus.Processing, [], null);
    }

    /// <summary>Settles a job whose POST failed: refused (its hold goes back) or of unknown outcome (held until an admin decides).</summary>
    private Task SettleAsync(Job job, JobStatus status, int? code, string message, CancellationToken cancellationToken) =>
        states.ApplyAsync(job.Id, status == JobStatus.Rejected ? JobTransitions.Rejected : JobTransitions.Unconfirmed, s => s
            .SetProperty(j => j.ErrorCode, code)
            .SetProperty(j => j.ErrorMessage, message), message, cancellationToken: cancellationToken);

    private static string Explain(ReApiException e) => e.Kind switch
    {
        ReApiErrorKind.Authentication => $"reAPI refused the team's key: {e.Message} An admin must check the key under Admin → Accounts. Nothing was charged.",
        ReApiErrorKind.InsufficientCredits => $"The team's reAPI account has too few credits: {e.Message} Nothing was charged.",
        ReApiErrorKind.Validation => $"reAPI refused the request: {e.Message} Nothing was charged.",
        ReApiErrorKind.RateLimited => "reAPI is busy (rate limit). Nothing was charged; please try again in a moment.",
        ReApiErrorKind.Transport => $"reAPI could not be reached: {e.Message} Nothing was charged; try again later.",
        _ => $"reAPI could not take the job: {e.Message} Nothing was charged.",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission of {ModelId} by {OwnerId} for {Credits} credits refused: {Reason}")]
    private partial void LogRefused(Guid ownerId, string modelId, long credits, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job of {ModelId} by {OwnerId} was not made: {Reason}")]
    private partial void LogNoAccount(Guid ownerId, string modelId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: account {Account} refused it ({Kind}) without making a task; trying account {Next}")]
    private partial void LogFailover(Guid jobId, Guid account, Guid next, ReApi.Client.ReApiErrorKind kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "A job of {ModelId} by {OwnerId} could not be saved: the disk is full")]
    private partial void LogDiskFull(Guid ownerId, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} accepted by reAPI as task {TaskId}")]
    private partial void LogAccepted(Guid jobId, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Submitting job {JobId} failed before reaching reAPI")]
    private partial void LogSubmitCrashed(Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording task {TaskId} of job {JobId} failed (attempt {Attempt}); retrying")]
    private partial void LogRecordRetry(Exception exception, Guid jobId, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Critical, Message = "reAPI accepted job {JobId} as task {TaskId}, but it could not be recorded; attach the task id by hand")]
    private partial void LogRecordFailed(Exception exception, Guid jobId, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submitting job {JobId} was rate limited (attempt {Attempt}); sending again after Retry-After")]
    private partial void LogRateLimited(Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Submitting job {JobId} failed: {Kind} HTTP {HttpStatus} code {Code}: {Message}")]
    private partial void LogSubmitFailed(Guid jobId, ReApi.Client.ReApiErrorKind kind, int? httpStatus, int? code, string message);
}
