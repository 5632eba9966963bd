using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

public sealed record JobSummary(Guid Id, Guid OwnerId, string ModelId, string Prompt, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? ErrorMessage);

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

/// <summary>Reads jobs for pages. Every read is scoped to what the person may see: their own jobs, or all for admins.</summary>
public interface IJobReader
{
    Task<IReadOnlyList<JobSummary>> ListAsync(CurrentUser user, int take, CancellationToken cancellationToken);

    Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken);
}

public sealed class JobReader(IDbContextFactory<AppDbContext> dbFactory) : IJobReader
{
    public async Task<IReadOnlyList<JobSummary>> ListAsync(CurrentUser user, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == user.Id)
            .OrderByDescending(j => j.CreatedAt)
            .Take(take)
            .Select(j => new JobSummary(j.Id, j.OwnerId, j.ModelId, j.Prompt, j.Status, j.CreatedAt, j.FinishedAt, j.ErrorMessage))
            .ToListAsync(cancellationToken);
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

        return new JobView(
            new JobSummary(job.Id, job.OwnerId, job.ModelId, job.Prompt, job.Status, job.CreatedAt, job.FinishedAt, job.ErrorMessage),
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
