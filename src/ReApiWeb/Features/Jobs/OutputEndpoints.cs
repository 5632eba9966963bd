using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs;

public static class OutputEndpoints
{
    /// <summary>
    /// <c>GET /outputs/{id}</c>: an archived output (<c>?download=1</c> to save it under the job's name), and
    /// <c>GET /jobs/{id}/outputs.zip</c>: all of a job's archived outputs; to whoever may see the job (its owner, admins,
    /// and the team when it is shared), and to no one else.
    /// </summary>
    public static IEndpointRouteBuilder MapOutputEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/outputs/{id:guid}", async (Guid id, string? download, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var user = CurrentUser.From(context.User);
            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            var output = await db.JobOutputs.AsNoTracking()
                .Where(o => o.Id == id)
                .Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new { o.StoragePath, o.ContentType, o.Kind, o.Index, j.OwnerId, j.Visibility, j.ModelId, j.Prompt })
                .SingleOrDefaultAsync(context.RequestAborted);
            if (user is null || output is null || !JobSharing.CanSee(user, output.OwnerId, output.Visibility))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such output.");
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

            var zipName = OutputFileNames.Base(job.ModelId, job.Prompt) + ".zip";
            return Results.Stream(async _ =>
            {
                var body = context.Response.BodyWriter.AsStream(leaveOpen: true);
                // Written entry by entry straight to the response: never the whole archive in memory. The zip writer's
                // few small synchronous writes (each entry's data descriptor) go to the response's pipe, not its stream.
                await using var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, context.RequestAborted);
                foreach (var output in archived)
                {
                    var entry = zip.CreateEntry(OutputFileNames.For(job.ModelId, job.Prompt, output.Kind, output.Index, output.ContentType, output.StoragePath!), CompressionLevel.NoCompression);
                    await using var target = await entry.OpenAsync(context.RequestAborted);
                    await using var source = File.OpenRead(Path.Combine(storage.Value.ResolvedOutputsDirectory, output.StoragePath!));
                    await source.CopyToAsync(target, context.RequestAborted);
                }
            }, "application/zip", zipName);
        }).RequireAuthorization(AuthPolicies.CookieOrToken);
        return endpoints;
    }
}
