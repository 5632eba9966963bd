using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

public sealed record JobSummary(Guid Id, Guid OwnerId, string ModelId, string Prompt, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? ErrorMessage)
{
    /// <summary>What the job cost, from the ledger; <see cref="JobCost.None"/> until anything was booked, or for a teammate's job.</summary>
    public JobCost Cost { get; init; } = JobCost.None;

    public JobVisibility Visibility { get; init; }

    /// <summary>Who made it (filled for lists that show other people's jobs).</summary>
    public string OwnerName { get; init; } = "";
}

/// <summary>Whose jobs a list shows: the person's own, or everything shared with the team.</summary>
public enum JobScope
{
    Mine,
    Team,
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

/// <summary>
/// Reads jobs for pages. Every read is scoped to what the person may see: their own jobs, what the team shares, or all
/// for admins (<see cref="JobSharing.CanSee"/>).
/// </summary>
public interface IJobReader
{
    /// <summary>
    /// The person's own jobs (with their costs), or the team's shared ones (without costs), newest first:
    /// <paramref name="take"/> of them after the newest <paramref name="skip"/>.
    /// </summary>
    Task<JobPage> ListAsync(CurrentUser user, JobScope scope, int skip, int take, CancellationToken cancellationToken);

    Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken);
}

public sealed class JobReader(IDbContextFactory<AppDbContext> dbFactory) : IJobReader
{
    public async Task<JobPage> ListAsync(CurrentUser user, JobScope scope, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shown = scope == JobScope.Team
            ? db.Jobs.AsNoTracking().Where(j => j.Visibility == JobVisibility.Team)
            : db.Jobs.AsNoTracking().Where(j => j.OwnerId == user.Id);
        var total = await shown.CountAsync(cancellationToken);
        var jobs = await shown
            .OrderByDescending(j => j.CreatedAt)
            .ThenByDescending(j => j.Id)
            .Skip(skip)
            .Take(take)
            .Select(j => new JobSummary(j.Id, j.OwnerId, j.ModelId, j.Prompt, j.Status, j.CreatedAt, j.FinishedAt, j.ErrorMessage)
            {
                Visibility = j.Visibility,
                OwnerName = j.Owner!.DisplayName,
            })
            .ToListAsync(cancellationToken);
        var costs = scope == JobScope.Mine ? await CostsAsync(db, [.. jobs.Select(j => j.Id)], cancellationToken) : [];
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
        if (job is null || !JobSharing.CanSee(user, job.OwnerId, job.Visibility))
        {
            return null;
        }

        // What a job cost is its owner's business (and the admins'); a teammate sees the work, not the ledger.
        var cost = user.CanSee(job.OwnerId) ? (await CostsAsync(db, [job.Id], cancellationToken)).GetValueOrDefault(job.Id, JobCost.None) : JobCost.None;
        return new JobView(
            new JobSummary(job.Id, job.OwnerId, job.ModelId, job.Prompt, job.Status, job.CreatedAt, job.FinishedAt, job.ErrorMessage)
            {
                Cost = cost,
                Visibility = job.Visibility,
                OwnerName = job.Owner?.DisplayName ?? "",
            },
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
