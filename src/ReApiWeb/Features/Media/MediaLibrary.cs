using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Media;

/// <summary>An earlier output a member can reuse as an input, with the URL that goes into the request.</summary>
public sealed record MediaChoice(Guid OutputId, Guid JobId, string ModelId, string Prompt, MediaKind Kind, string Caption, string PreviewUrl, string InputUrl);

/// <summary>
/// A member's earlier outputs, offered as inputs. reAPI must fetch them from a public URL: the archived copy through an
/// expiring public link when the app has a public address, otherwise reAPI's own link to the file.
/// </summary>
public sealed class MediaLibrary(IDbContextFactory<AppDbContext> dbFactory, PublicMediaLinks links)
{
    /// <summary>The person's own most recent outputs that fit a field of <paramref name="kind"/>, newest first.</summary>
    public async Task<IReadOnlyList<MediaChoice>> RecentAsync(CurrentUser user, MediaKind kind, int take, CancellationToken cancellationToken)
    {
        var kinds = MediaTypes.OutputsFor(kind);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await OutputsWithJobs(db)
            .Where(r => r.Job.OwnerId == user.Id && kinds.Contains(r.Output.Kind))
            .OrderByDescending(r => r.Job.CreatedAt).ThenBy(r => r.Output.Index)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => ToChoice(r.Output, r.Job, kind))];
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
        return new MediaChoice(output.Id, job.Id, job.ModelId, job.Prompt, kind, caption,
            archived ? $"/outputs/{output.Id}" : output.UpstreamUrl, input?.AbsoluteUri ?? output.UpstreamUrl);
    }

    private sealed class OutputWithJob
    {
        public required JobOutput Output { get; init; }

        public required Job Job { get; init; }
    }
}
