using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Collections;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs;

public static class OutputEndpoints
{
    /// <summary>Where an output's preview is served.</summary>
    public static string ThumbnailUrl(Guid outputId) => $"/outputs/{outputId}/thumbnail";

    /// <summary>How long a browser keeps a preview before asking again (previews never change; access might).</summary>
    public static readonly TimeSpan ThumbnailMaxAge = TimeSpan.FromDays(1);

    /// <summary>
    /// <c>GET /outputs/{id}</c>: an archived output (<c>?download=1</c> to save it under the job's name),
    /// <c>GET /outputs/{id}/thumbnail</c>: its gallery preview, and <c>GET /jobs/{id}/outputs.zip</c>: all of a job's
    /// archived outputs; to whoever may see the output (its job's owner, admins, the team when the job is shared, and
    /// the people of a collection it was shared into), and to no one else.
    /// </summary>
    public static IEndpointRouteBuilder MapOutputEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/outputs/{id:guid}", async (Guid id, string? download, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var output = await VisibleOutputAsync(id, context, dbFactory);
            if (output is null)
            {
                return NoSuchOutput();
            }

            if (output.StoragePath is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This output is not archived yet.");
            }

            var path = Path.GetFullPath(Path.Combine(storage.Value.ResolvedOutputsDirectory, output.StoragePath));
            var name = OutputFileNames.For(output.ModelId, output.Prompt, output.Kind, output.Index, output.ContentType, output.StoragePath);
            return download is "1" or "true"
                ? Results.File(path, "application/octet-stream", fileDownloadName: name, enableRangeProcessing: true)
                : MediaTypes.Serve(path, output.ContentType, name);
        }).RequireAuthorization(AuthPolicies.CookieOrToken);

        endpoints.MapGet("/outputs/{id:guid}/thumbnail", async (Guid id, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var output = await VisibleOutputAsync(id, context, dbFactory);
            if (output is null)
            {
                return NoSuchOutput();
            }

            if (string.IsNullOrEmpty(output.ThumbnailPath))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This output has no preview.");
            }

            var file = new FileInfo(Path.Combine(storage.Value.ResolvedOutputsDirectory, output.ThumbnailPath));
            context.Response.Headers.CacheControl = $"private, max-age={(int)ThumbnailMaxAge.TotalSeconds}";
            return Results.File(file.FullName, "image/webp", lastModified: file.LastWriteTimeUtc, entityTag: new EntityTagHeaderValue($"\"{id:N}\""));
        }).RequireAuthorization(AuthPolicies.CookieOrToken);

        endpoints.MapGet("/jobs/{id:guid}/outputs.zip", async (Guid id, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var user = CurrentUser.From(context.User);
            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            var job = await db.Jobs.AsNoTracking().Include(j => j.Outputs).SingleOrDefaultAsync(j => j.Id == id, context.RequestAborted);
            var archived = job?.Outputs.Where(o => o.StoragePath != null).OrderBy(o => o.Kind).ThenBy(o => o.Index).ToList() ?? [];
            if (user is null || job is null || !JobSharing.CanSee(user, job.OwnerId, job.Visibility) || archived.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No archived outputs for this job.");
            }

            return Zip(
                context,
                OutputFileNames.Base(job.ModelId, job.Prompt) + ".zip",
                [.. archived.Select(o => new ZipEntrySource(OutputFileNames.For(job.ModelId, job.Prompt, o.Kind, o.Index, o.ContentType, o.StoragePath!), Path.Combine(storage.Value.ResolvedOutputsDirectory, o.StoragePath!)))]);
        }).RequireAuthorization(AuthPolicies.CookieOrToken);
        return endpoints;
    }

    /// <summary>One file of a zip download: its name inside the archive and where it is on disk.</summary>
    public sealed record ZipEntrySource(string Name, string Path);

    /// <summary>
    /// A zip of <paramref name="entries"/> written entry by entry straight to the response: never the whole archive in
    /// memory. Names that repeat get " (2)", " (3)"… before their extension.
    /// </summary>
    public static IResult Zip(HttpContext context, string zipName, IReadOnlyList<ZipEntrySource> entries) =>
        Results.Stream(async _ =>
        {
            var body = context.Response.BodyWriter.AsStream(leaveOpen: true);
            // The zip writer's few small synchronous writes (each entry's data descriptor) go to the response's pipe, not its stream.
            await using var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, context.RequestAborted);
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var source in entries)
            {
                var name = source.Name;
                for (var n = 2; !used.Add(name); n++)
                {
                    name = $"{Path.GetFileNameWithoutExtension(source.Name)} ({n}){Path.GetExtension(source.Name)}";
                }

                var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                await using var target = await entry.OpenAsync(context.RequestAborted);
                await using var file = File.OpenRead(source.Path);
                await file.CopyToAsync(target, context.RequestAborted);
            }
        }, "application/zip", zipName);

    private static IResult NoSuchOutput() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such output.");

    private sealed record ServedOutput(string? StoragePath, string? ThumbnailPath, string? ContentType, OutputMediaKind Kind, int Index, Guid OwnerId, JobVisibility Visibility, string ModelId, string Prompt);

    /// <summary>The output, when the signed-in person may see it (<see cref="CollectionAccess.CanSeeOutputAsync"/>); else null.</summary>
    private static async Task<ServedOutput?> VisibleOutputAsync(Guid id, HttpContext context, IDbContextFactory<AppDbContext> dbFactory)
    {
        var user = CurrentUser.From(context.User);
        await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
        var output = await db.JobOutputs.AsNoTracking()
            .Where(o => o.Id == id)
            .Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new ServedOutput(o.StoragePath, o.ThumbnailPath, o.ContentType, o.Kind, o.Index, j.OwnerId, j.Visibility, j.ModelId, j.Prompt))
            .SingleOrDefaultAsync(context.RequestAborted);
        return user is not null && output is not null && await CollectionAccess.CanSeeOutputAsync(db, user, id, output.OwnerId, output.Visibility, context.RequestAborted)
            ? output
            : null;
    }
}
