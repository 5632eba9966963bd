using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Features.Media;

/// <summary>An earlier output a member can reuse as an input, with the URL that goes into the request.</summary>
public sealed record MediaChoice(Guid OutputId, Guid JobId, string ModelId, string Prompt, MediaKind Kind, string Caption, string PreviewUrl, string InputUrl)
{
    /// <summary>The small preview a list of choices shows (the file itself when there is none).</summary>
    public string ThumbnailUrl { get; init; } = PreviewUrl;
}

/// <summary>
/// A member's earlier outputs, offered as inputs. reAPI must fetch them from a public URL: the archived copy through an
/// expiring public link when the app has a public address, otherwise reAPI's own link to the file.
/// </summary>
public sealed class MediaLibrary(IDbContextFactory<AppDbContext> dbFactory, PublicMediaLinks links)
{
    /// <summary>
    /// The outputs that fit a field of <paramref name="kind"/> which the person may reuse: their own and the team's
    /// shared ones, newest first; with <paramref name="search"/>, those whose prompt has its words (<see cref="PromptSearch"/>).
    /// </summary>
    public async Task<IReadOnlyList<MediaChoice>> SearchAsync(CurrentUser user, MediaKind kind, string? search, int skip, int take, CancellationToken cancellationToken)
    {
        var kinds = MediaTypes.OutputsFor(kind);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = OutputsWithJobs(db).Where(r => (r.Job.OwnerId == user.Id || r.Job.Visibility == JobVisibility.Team) && kinds.Contains(r.Output.Kind));
        if (PromptSearch.Words(search).Count > 0)
        {
            // The gallery's search: every word, as the start of a word of the prompt.
            var found = PromptSearch.Apply(db, db.Jobs, search).Select(j => j.Id);
            rows = rows.Where(r => found.Contains(r.Job.Id));
        }

        var page = await rows.OrderByDescending(r => r.Job.CreatedAt).ThenBy(r => r.Output.Index).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return [.. page.Select(r => ToChoice(r.Output, r.Job, kind))];
    }

    /// <summary>One output by id (theirs, or a teammate's shared one), if the person may see it and it can be an input at all.</summary>
    public async Task<MediaChoice?> FindAsync(CurrentUser user, Guid outputId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await OutputsWithJobs(db).SingleOrDefaultAsync(r => r.Output.Id == outputId, cancellationToken);
        return row is not null && Jobs.JobSharing.CanSee(user, row.Job.OwnerId, row.Job.Visibility) && MediaTypes.KindOf(row.Output.Kind) is { } kind
            ? ToChoice(row.Output, row.Job, kind)
            : null;
    }

    private static IQueryable<OutputWithJob> OutputsWithJobs(AppDbContext db) =>
        db.JobOutputs.AsNoTracking().Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new OutputWithJob { Output = o, Job = j });

    private MediaChoice ToChoice(JobOutput output, Job job, MediaKind kind)
    {
        var archived = output.StoragePath is not null;
        var input = archived ? links.Create(new MediaReference(MediaSource.Output, output.Id), output.StoragePath!) : null;
        var caption = output.Label ?? $"{output.Kind} {output.Index + 1}";
        var preview = archived ? $"/outputs/{output.Id}" : output.UpstreamUrl;
        return new MediaChoice(output.Id, job.Id, job.ModelId, job.Prompt, kind, caption, preview, input?.AbsoluteUri ?? output.UpstreamUrl)
        {
            ThumbnailUrl = string.IsNullOrEmpty(output.ThumbnailPath) ? preview : Jobs.OutputEndpoints.ThumbnailUrl(output.Id),
        };
    }

    private sealed class OutputWithJob
    {
        public required JobOutput Output { get; init; }

        public required Job Job { get; init; }
    }
}
