using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Jobs;

public sealed record JobSummary(Guid Id, Guid OwnerId, string ModelId, string Prompt, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? ErrorMessage)
{
    /// <summary>What the job cost, from the ledger; <see cref="JobCost.None"/> until anything was booked, or for a teammate's job.</summary>
    public JobCost Cost { get; init; } = JobCost.None;

    public JobVisibility Visibility { get; init; }

    /// <summary>The request parameters that drive how long it runs (filled on the job's own page, for its estimate).</summary>
    public string DurationClass { get; init; } = "";

    /// <summary>Who made it (filled for lists that show other people's jobs).</summary>
    public string OwnerName { get; init; } = "";

    /// <summary>The output a tile shows (the first one, a video before its last frame); null while there is none.</summary>
    public OutputCover? Cover { get; init; }

    public int OutputCount { get; init; }

    /// <summary>The first lines of a text tool's answer (jobs without files).</summary>
    public string? TextPreview { get; init; }

    /// <summary>Whether the reader starred one of its outputs.</summary>
    public bool Favourite { get; init; }
}

/// <summary>What a tile shows of a job's first output.</summary>
public sealed record OutputCover(Guid Id, OutputMediaKind Kind, bool Archived, bool HasThumbnail)
{
    public string? ThumbnailUrl => HasThumbnail ? OutputEndpoints.ThumbnailUrl(Id) : null;
}

/// <summary>A person as lists name them.</summary>
public sealed record Person(Guid Id, string Name);

/// <summary>Whose jobs a list shows: the person's own, or everything shared with the team.</summary>
public enum JobScope
{
    Mine,
    Team,
}

/// <summary>The states people filter by.</summary>
public enum JobStatusFilter
{
    Running,
    Completed,
    Failed,
    Unconfirmed,
}

/// <summary>What a gallery shows: whose jobs, and the filters a person set. Empty filters match everything.</summary>
public sealed record GalleryFilter(JobScope Scope = JobScope.Mine)
{
    /// <summary>Words to find in the prompt (each word, or a word it starts with).</summary>
    public string? Search { get; init; }

    public OutputKind? Kind { get; init; }

    public string? Model { get; init; }

    public JobStatusFilter? Status { get; init; }

    /// <summary>Whose jobs (on the team's gallery).</summary>
    public Guid? Person { get; init; }

    /// <summary>From this day (UTC), inclusive.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Up to this day (UTC), inclusive.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Only jobs with an output the reader starred.</summary>
    public bool Favourites { get; init; }

    /// <summary>Only the jobs of this batch, in their order (its owner's, or any for an admin).</summary>
    public Guid? Batch { get; init; }

    public bool IsFiltered => !string.IsNullOrWhiteSpace(Search) || Kind is not null || Model is not null || Status is not null
        || Person is not null || From is not null || To is not null || Favourites;
}

public sealed record OutputView(Guid Id, OutputMediaKind Kind, int Index, string UpstreamUrl, bool Archived, string? ContentType, string? ArchiveError, string? Label = null)
{
    public string Url => $"/outputs/{Id}";

    /// <summary>Whether the reader starred this output.</summary>
    public bool Favourite { get; init; }
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
    IReadOnlyList<OutputView> Outputs)
{
    /// <summary>The job it was made from (retry, remix, variations), if any.</summary>
    public Guid? SourceJobId { get; init; }

    /// <summary>The comparison, batch or variations it belongs to, if any.</summary>
    public Guid? BatchId { get; init; }
}

/// <summary>An output on its own page: the file, what made it, and whether the reader may open the whole job.</summary>
public sealed record OutputPermalink(OutputView Output, Guid JobId, string ModelId, string Prompt, string OwnerName, DateTimeOffset CreatedAt, bool CanOpenJob, bool HasThumbnail);

/// <summary>One page of a person's jobs, newest first, and how many they have in all.</summary>
public sealed record JobPage(IReadOnlyList<JobSummary> Jobs, int Total);

/// <summary>
/// Reads jobs for pages. Every read is scoped to what the person may see: their own jobs, what the team shares, or all
/// for admins (<see cref="JobSharing.CanSee"/>).
/// </summary>
public interface IJobReader
{
    /// <summary>
    /// The person's own jobs (with their costs), or the team's shared ones (without costs), that match the filter,
    /// newest first: <paramref name="take"/> of them after the newest <paramref name="skip"/>.
    /// </summary>
    Task<JobPage> ListAsync(CurrentUser user, GalleryFilter filter, int skip, int take, CancellationToken cancellationToken);

    Task<JobView?> GetAsync(CurrentUser user, Guid jobId, CancellationToken cancellationToken);

    /// <summary>Whether a job with this id exists at all (to say why someone cannot see it).</summary>
    Task<bool> ExistsAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>
    /// One output and the job it came from, for its permalink: to whoever may see it through its job or a collection
    /// (<see cref="Collections.CollectionAccess"/>). Null when they may not or it does not exist.
    /// </summary>
    Task<OutputPermalink?> GetOutputAsync(CurrentUser user, Guid outputId, CancellationToken cancellationToken);

    /// <summary>Whether an output with this id exists at all.</summary>
    Task<bool> OutputExistsAsync(Guid outputId, CancellationToken cancellationToken);

    /// <summary>The people who share jobs with the team, by name (the team gallery's person filter).</summary>
    Task<IReadOnlyList<Person>> SharersAsync(CancellationToken cancellationToken);

    /// <summary>The models a person used last, most recent first (the model picker lists them first).</summary>
    Task<IReadOnlyList<string>> RecentModelsAsync(Guid userId, int take, CancellationToken cancellationToken);
}

public sealed class JobReader(IDbContextFactory<AppDbContext> dbFactory, ModelCatalog catalog) : IJobReader
{
    /// <summary>How much of a prompt a list keeps (a tile shows a few lines; the job page reads it whole).</summary>
    public const int ListedPromptLength = 240;

    public async Task<JobPage> ListAsync(CurrentUser user, GalleryFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shown = Filter(db, user, filter);
        var total = await shown.CountAsync(cancellationToken);
        var ordered = filter.Batch is null ? shown.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id) : shown.OrderBy(j => j.BatchIndex);
        var rows = await ordered
            .Skip(skip)
            .Take(take)
            .Select(j => new
            {
                j.Id,
                j.OwnerId,
                j.ModelId,
                Prompt = j.Prompt.Substring(0, ListedPromptLength),
                j.Status,
                j.CreatedAt,
                j.FinishedAt,
                j.ErrorMessage,
                j.Visibility,
                OwnerName = j.Owner!.DisplayName,
                Text = j.Status == JobStatus.Completed && !j.Outputs.Any() ? j.OutputJson : null,
            })
            .ToListAsync(cancellationToken);

        // The page's outputs, stars and costs each in one query over these jobs only (a window over all outputs to
        // pick each job's cover would read the whole table).
        var ids = rows.Select(j => j.Id).ToList();
        var outputs = (await db.JobOutputs.AsNoTracking().Where(o => ids.Contains(o.JobId))
            .Select(o => new { o.JobId, Cover = new OutputCover(o.Id, o.Kind, o.StoragePath != null, o.ThumbnailPath != null && o.ThumbnailPath != ""), o.Index })
            .ToListAsync(cancellationToken))
            .ToLookup(o => o.JobId);
        var outputIds = outputs.SelectMany(g => g).Select(o => o.Cover.Id).ToList();
        var starred = (await db.Favourites.AsNoTracking().Where(f => f.UserId == user.Id && outputIds.Contains(f.OutputId)).Select(f => f.OutputId).ToListAsync(cancellationToken)).ToHashSet();
        var costs = filter.Scope == JobScope.Mine ? await CostsAsync(db, ids, cancellationToken) : [];
        return new JobPage(
            [.. rows.Select(j => new JobSummary(j.Id, j.OwnerId, j.ModelId, j.Prompt, j.Status, j.CreatedAt, j.FinishedAt, j.ErrorMessage)
            {
                Visibility = j.Visibility,
                OwnerName = j.OwnerName,
                OutputCount = outputs[j.Id].Count(),
                Cover = outputs[j.Id].OrderBy(o => o.Cover.Kind == OutputMediaKind.LastFrame).ThenBy(o => o.Index).Select(o => o.Cover).FirstOrDefault(),
                TextPreview = Preview(j.Text),
                Favourite = outputs[j.Id].Any(o => starred.Contains(o.Cover.Id)),
                Cost = costs.GetValueOrDefault(j.Id, JobCost.None),
            })],
            total);
    }

    private IQueryable<Job> Filter(AppDbContext db, CurrentUser user, GalleryFilter filter)
    {
        var jobs = filter.Scope == JobScope.Team
            ? db.Jobs.AsNoTracking().Where(j => j.Visibility == JobVisibility.Team)
            : filter.Batch is not null && user.IsAdmin
                ? db.Jobs.AsNoTracking()
                : db.Jobs.AsNoTracking().Where(j => j.OwnerId == user.Id);
        if (filter.Batch is { } batchId)
        {
            jobs = jobs.Where(j => j.BatchId == batchId);
        }

        if (filter.Scope == JobScope.Team && filter.Person is { } person)
        {
            jobs = jobs.Where(j => j.OwnerId == person);
        }

        if (filter.Kind is { } kind)
        {
            var models = catalog.Models.Where(m => m.Output == kind).Select(m => m.Id).ToList();
            jobs = jobs.Where(j => models.Contains(j.ModelId));
        }

        if (!string.IsNullOrWhiteSpace(filter.Model))
        {
            jobs = jobs.Where(j => j.ModelId == filter.Model);
        }

        jobs = filter.Status switch
        {
            JobStatusFilter.Running => jobs.Where(j => j.Status == JobStatus.Submitting || j.Status == JobStatus.Processing || j.Status == JobStatus.Stalled),
            JobStatusFilter.Completed => jobs.Where(j => j.Status == JobStatus.Completed),
            JobStatusFilter.Failed => jobs.Where(j => j.Status == JobStatus.Failed || j.Status == JobStatus.Rejected || j.Status == JobStatus.Cancelled),
            JobStatusFilter.Unconfirmed => jobs.Where(j => j.Status == JobStatus.Unconfirmed),
            _ => jobs,
        };
        if (filter.From is { } from)
        {
            var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            jobs = jobs.Where(j => j.CreatedAt >= since);
        }

        if (filter.To is { } to)
        {
            var before = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            jobs = jobs.Where(j => j.CreatedAt < before);
        }

        if (filter.Favourites)
        {
            // From the person's stars (few) to their jobs, not from every job to its stars.
            var me = user.Id;
            var starred = db.Favourites.Where(f => f.UserId == me).Join(db.JobOutputs, f => f.OutputId, o => o.Id, (f, o) => o.JobId);
            jobs = jobs.Where(j => starred.Contains(j.Id));
        }

        return PromptSearch.Apply(db, jobs, filter.Search);
    }

    /// <summary>The first few lines of a text tool's answer.</summary>
    private static string? Preview(string? outputJson) =>
        OutputText.Values(outputJson).Select(v => v.Value).FirstOrDefault(v => v.Length > 0) is { } text
            ? text.Length <= ListedPromptLength ? text : text[..(ListedPromptLength - 1)] + "…"
            : null;

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
        var outputIds = job.Outputs.Select(o => o.Id).ToList();
        var starred = await db.Favourites.AsNoTracking().Where(f => f.UserId == user.Id && outputIds.Contains(f.OutputId)).Select(f => f.OutputId).ToListAsync(cancellationToken);
        return new JobView(
            new JobSummary(job.Id, job.OwnerId, job.ModelId, job.Prompt, job.Status, job.CreatedAt, job.FinishedAt, job.ErrorMessage)
            {
                Cost = cost,
                Visibility = job.Visibility,
                OwnerName = job.Owner?.DisplayName ?? "",
                DurationClass = job.DurationClass,
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
                .Select(o => new OutputView(o.Id, o.Kind, o.Index, o.UpstreamUrl, o.StoragePath != null, o.ContentType, o.ArchiveError, o.Label) { Favourite = starred.Contains(o.Id) })])
        {
            SourceJobId = job.SourceJobId,
            BatchId = job.BatchId,
        };
    }

    public async Task<bool> ExistsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AnyAsync(j => j.Id == jobId, cancellationToken);
    }

    public async Task<IReadOnlyList<Person>> SharersAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .Where(u => db.Jobs.Any(j => j.OwnerId == u.Id && j.Visibility == JobVisibility.Team))
            .OrderBy(u => u.DisplayName)
            .Select(u => new Person(u.Id, u.DisplayName))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> RecentModelsAsync(Guid userId, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // The newest jobs are enough to find the last few models; the (owner, created) index serves it.
        var recent = await db.Jobs.AsNoTracking().Where(j => j.OwnerId == userId).OrderByDescending(j => j.CreatedAt)
            .Take(200).Select(j => j.ModelId).ToListAsync(cancellationToken);
        return [.. recent.Distinct().Take(take)];
    }

    public async Task<OutputPermalink?> GetOutputAsync(CurrentUser user, Guid outputId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.JobOutputs.AsNoTracking().Where(o => o.Id == outputId)
            .Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new { o, j.OwnerId, j.Visibility, j.ModelId, j.Prompt, j.CreatedAt, OwnerName = j.Owner!.DisplayName })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null || !await Collections.CollectionAccess.CanSeeOutputAsync(db, user, outputId, row.OwnerId, row.Visibility, cancellationToken))
        {
            return null;
        }

        var o = row.o;
        var starred = await db.Favourites.AnyAsync(f => f.UserId == user.Id && f.OutputId == outputId, cancellationToken);
        return new OutputPermalink(
            new OutputView(o.Id, o.Kind, o.Index, o.UpstreamUrl, o.StoragePath != null, o.ContentType, o.ArchiveError, o.Label) { Favourite = starred },
            o.JobId, row.ModelId, row.Prompt, row.OwnerName, row.CreatedAt, JobSharing.CanSee(user, row.OwnerId, row.Visibility), !string.IsNullOrEmpty(o.ThumbnailPath));
    }

    public async Task<bool> OutputExistsAsync(Guid outputId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.JobOutputs.AnyAsync(o => o.Id == outputId, cancellationToken);
    }
}
