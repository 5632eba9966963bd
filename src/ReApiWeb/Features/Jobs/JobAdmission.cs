using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Admits a job: the job row and its credit hold are written together, after every allowance was checked, or not at
/// all. A form's submission key makes a second admission of the same form return the first job.
/// </summary>
public sealed class JobAdmission(IDbContextFactory<AppDbContext> dbFactory, WriteGate writes, CreditLedger ledger, TimeProvider time)
{
    /// <summary>
    /// Adds the job and its hold in one write transaction, after checking every allowance: SQLite's BEGIN IMMEDIATE
    /// serialises admissions, so concurrent submissions can never together slip past a limit.
    /// </summary>
    public async Task<(Job Job, Admission Admission, bool IsNew)> AdmitAsync(Guid ownerId, ModelSpec model, JsonObject body, PriceQuote quote, Guid submissionKey, CancellationToken cancellationToken)
    {
        using var turn = await writes.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var existing = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.OwnerId == ownerId && j.SubmissionKey == submissionKey, cancellationToken);
        if (existing is not null)
        {
            return (existing, new Admission(null, []), false);
        }

        var job = new Job
        {
            OwnerId = ownerId,
            ModelId = model.Id,
            Prompt = MainText(model, body),
            RequestJson = body.ToJsonString(),
            SubmissionKey = submissionKey,
            Status = JobStatus.Submitting,
            CreatedAt = time.GetUtcNow(),
            Visibility = await JobSharing.DefaultAsync(db, cancellationToken),
        };
        var admission = await ledger.HoldAsync(db, job, quote, cancellationToken);
        if (!admission.Admitted)
        {
            return (job, admission, false);
        }

        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (job, admission, true);
    }

    /// <summary>The text a person will recognise the job by: the prompt, or a text tool's main input (topic, content, text).</summary>
    private static string MainText(ModelSpec model, JsonObject body)
    {
        var field = model.Field("prompt") ?? model.Fields.FirstOrDefault(f => f.Type == FieldType.Text && f.Required);
        return field is not null && body[field.Name] is JsonValue v && v.TryGetValue(out string? text) ? text : "";
    }
}
