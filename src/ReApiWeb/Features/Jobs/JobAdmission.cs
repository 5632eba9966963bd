using ReApiWeb.Features.Cluster;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Jobs;

/// <summary>One job ready to be admitted: its validated body (with <c>model</c>), its price and its submission key.</summary>
public sealed record JobDraft(ModelSpec Model, JsonObject Body, PriceQuote Quote, Guid SubmissionKey, Guid? SourceJobId = null);

/// <summary>
/// Admits jobs: the job rows and their credit holds are written together, after every allowance was checked, or not
/// at all. A form's submission key makes a second admission of the same form return the first job.
/// </summary>
public sealed class JobAdmission(IDbContextFactory<AppDbContext> dbFactory, WriteGate writes, CreditLedger ledger, AccountRouter router, InstanceRegistry instance, Telemetry.AppMetrics metrics, TimeProvider time)
{
    /// <summary>
    /// Adds the job and its hold in one write transaction, after checking every allowance: admissions are serialised
    /// (<see cref="AdmissionLock"/>), so concurrent submissions can never together slip past a limit.
    /// </summary>
    public async Task<(Job Job, Admission Admission, bool IsNew)> AdmitAsync(Guid ownerId, JobDraft draft, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async transaction =>
        {
            await AdmissionLock.TakeAsync(db, cancellationToken);
            var existing = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.OwnerId == ownerId && j.SubmissionKey == draft.SubmissionKey, cancellationToken);
            if (existing is not null)
            {
                return (existing, new Admission(null, []), false);
            }

            var (jobs, admission) = await AddAsync(db, ownerId, null, [draft], cancellationToken);
            if (admission.Admitted)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return (jobs[0], admission, admission.Admitted);
        }, cancellationToken);
    }

    /// <summary>
    /// Adds a batch and all its jobs with their holds in one write transaction if their total fits every allowance,
    /// else nothing: a comparison or a batch is admitted whole or not at all.
    /// </summary>
    public async Task<(JobBatch Batch, IReadOnlyList<Job> Jobs, Admission Admission)> AdmitBatchAsync(
        Guid ownerId, JobBatchKind kind, string title, IReadOnlyList<JobDraft> drafts, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InTransactionAsync(async transaction =>
        {
            await AdmissionLock.TakeAsync(db, cancellationToken);
            var batch = new JobBatch { OwnerId = ownerId, Kind = kind, Title = PromptText.Shorten(title, JobBatch.MaxTitleLength), CreatedAt = time.GetUtcNow() };
            var (jobs, admission) = await AddAsync(db, ownerId, batch, drafts, cancellationToken);
            if (admission.Admitted)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return (batch, jobs, admission);
        }, cancellationToken);
    }

    private async Task<(IReadOnlyList<Job> Jobs, Admission Admission)> AddAsync(
        AppDbContext db, Guid ownerId, JobBatch? batch, IReadOnlyList<JobDraft> drafts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var route = await router.RouteAsync(db, ownerId, cancellationToken);
        var visibility = await JobSharing.DefaultAsync(db, cancellationToken);
        var jobs = drafts.Select((draft, i) => new Job
        {
            OwnerId = ownerId,
            ModelId = draft.Model.Id,
            Prompt = MainText(draft.Model, draft.Body),
            RequestJson = draft.Body.ToJsonString(),
            DurationClass = draft.Model.DurationClass(draft.Body),
            SubmissionKey = draft.SubmissionKey,
            AccountId = route.First,
            InstanceId = instance.Id,
            Status = JobStatus.Submitting,
            CreatedAt = now,
            Visibility = visibility,
            BatchId = batch?.Id,
            BatchIndex = i,
            SourceJobId = draft.SourceJobId,
        }).ToList();
        if (!route.Sandbox && route.First is null)
        {
            return (jobs, new Admission(route.Refusal, []) { NoAccount = true });
        }

        var admission = await ledger.HoldAsync(db, [.. jobs.Zip(drafts, (job, draft) => (job, draft.Quote))], cancellationToken);
        if (!admission.Admitted)
        {
            return (jobs, admission);
        }

        if (batch is not null)
        {
            db.Batches.Add(batch);
        }

        db.Jobs.AddRange(jobs);
        await db.SaveChangesAsync(cancellationToken);
        JobStateMachine.Admitted(db, jobs);
        foreach (var model in jobs.GroupBy(j => j.ModelId))
        {
            db.AfterCommit(() => metrics.JobsAdmitted(model.Key, model.Count()));
        }

        // Each job's trace begins with its admission: from when it was made to the commit that holds its credits.
        db.AfterCommit(() =>
        {
            var committed = time.GetUtcNow();
            foreach (var job in jobs)
            {
                metrics.Admitted(committed - job.CreatedAt);
                using var span = Telemetry.JobTracing.Start("admit", job.Id, job.ModelId, job.AccountId);
                span?.SetStartTime(job.CreatedAt.UtcDateTime);
            }
        });

        return (jobs, admission);
    }

    /// <summary>The text a person will recognise the job by: the prompt, or a text tool's main input (topic, content, text).</summary>
    public static string MainText(ModelSpec model, JsonObject body) =>
        model.MainField is { } field && body[field.Name] is JsonValue v && v.TryGetValue(out string? text) ? text : "";
}
