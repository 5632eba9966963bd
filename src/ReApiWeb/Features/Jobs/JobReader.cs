using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

public sealed record JobSummary(Guid Id, Guid OwnerId, string ModelId, string Prompt, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? ErrorMessage)
{
    /// <summary>What the job cost, from the ledger; <see cref="JobCost.None"/> until anything was booked.</summary>
    public JobCost Cost { get; init; } = JobCost.None;
}

public sealed record OutputView(Guid Id, OutputMediaKind Kind, int Index, string UpstreamUrl, bool Archived, string? ContentType, string? ArchiveError, string? Label = null)
{
    public string Url => $"/outputs/{Id}";
}

public sealed record JobView(
    JobSummary Summary,
    string OwnerName,
    string RequestJson,
    string? TaskId,
    int? ErrorCode,
    string? OutputJson,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? LastPolledAt,
    int PollCount,
    string? LastPollError,
    IReadOnlyList<OutputView> Outputs);

/// <summary>One page of a person's jobs, newest first, and how many they have in all.</summary>
public sealed record JobPage(IReadOnlyList<JobSummary> Jobs, int Total);

/// <summary>Reads jobs for pages. Every read is scoped to what the person may see: their own jobs, or all for admins.</summary>
public interface IJobReader
{
    /// <summary>The person's own jobs, newest first: <paramref name="take"/> of them after the newest <paramref name="skip"/>.</summary>
    Task<JobPage> ListAsync(CurrentUser user, int skip, int take, CancellationToken cancellationToken);

    Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken);
}

public sealed class JobReader(IDbContextFactory<AppDbContext> dbFactory) : IJobReader
{
    public async Task<JobPage> ListAsync(CurrentUser user, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mine = db.Jobs.AsNoTracking().Where(j => j.OwnerId == user.Id);
        var total = await mine.CountAsync(cancellationToken);
        var jobs = await mine
            .OrderByDescending(j => j.CreatedAt)
            .ThenByDescending(j => j.Id)
            .Skip(skip)
            .Take(take)
            .Select(j => new JobSummary(j.Id, j.OwnerId, j.ModelId, j.Prompt, j.Status, j.CreatedAt, j.FinishedAt, j.ErrorMessage))
            .ToListAsync(cancellationToken);
        var costs = await CostsAsync(db, [.. jobs.Select(j => j.Id)], cancellationToken);
        return new JobPage([.. jobs.Select(j => j with { Cost = costs.GetValueOrDefault(j.Id, JobCost.None) })], total);
    }

    /// <summary>The cost of each of <paramref name="jobIds"/>, from their ledger entries (one query).</summary>
    private static async Task<Dictionary<Guid, JobCost>> CostsAsync(AppDbContext db, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        var entries = await db.Ledger.AsNoTracking()
            .Where(l => l.JobId != null && jobIds.Contains(l.JobId.Value))
            .Select(l => new { JobId = l.JobId!.Value, l.Kind, l.Credits })
            .ToListAsync(cancellationToken);
        return entries.GroupBy(e => e.JobId).ToDictionary(g => g.Key, g => JobCost.From(g.Select(e => (e.Kind, e.Credits))));
    }

    public async Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Outputs).Include(j => j.Owner)
            .SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || !user.CanSee(job.OwnerId))
        {
            return null;
        }

        var cost = (await CostsAsync(db, [job.Id], cancellationToken)).GetValueOrDefault(job.Id, JobCost.None);
        return new JobView(
            new JobSummary(job.Id, job.OwnerId, job.ModelId, job.Prompt, job.Status, job.CreatedAt, job.FinishedAt, job.ErrorMessage) { Cost = cost },
            job.Owner?.DisplayName ?? "",
            job.RequestJson,
            job.TaskId,
            job.ErrorCode,
            job.OutputJson,
            job.SubmittedAt,
            job.LastPolledAt,
            job.PollCount,
            job.LastPollError,
            [.. job.Outputs.OrderBy(o => o.Kind).ThenBy(o => o.Index)
                .Select(o => new OutputView(o.Id, o.Kind, o.Index, o.UpstreamUrl, o.StoragePath != null, o.ContentType, o.ArchiveError, o.Label))]);
    }
}
