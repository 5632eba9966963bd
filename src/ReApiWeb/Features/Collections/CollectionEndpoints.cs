using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Features.Collections;

public static class CollectionEndpoints
{
    /// <summary><c>GET /collections/{id}/download.zip</c>: every archived output of a collection the person may see, streamed.</summary>
    public static IEndpointRouteBuilder MapCollectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/collections/{id:guid}/download.zip", async (Guid id, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var user = CurrentUser.From(context.User);
            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            var collection = user is null ? null : await db.Collections.AsNoTracking()
                .Where(c => c.Id == id && CollectionAccess.Viewable(db, user).Contains(c.Id))
                .Select(c => new { c.Name })
                .SingleOrDefaultAsync(context.RequestAborted);
            if (collection is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such collection.");
            }

            var files = await CollectionAccess.Visible(db, db.CollectionItems.Where(i => i.CollectionId == id))
                .Join(db.JobOutputs, i => i.OutputId, o => o.Id, (i, o) => new { i.AddedAt, o })
                .Where(x => x.o.StoragePath != null)
                .Join(db.Jobs, x => x.o.JobId, j => j.Id, (x, j) => new { x.AddedAt, x.o.Kind, x.o.Index, x.o.ContentType, x.o.StoragePath, j.ModelId, j.Prompt })
                .OrderBy(x => x.AddedAt)
                .ToListAsync(context.RequestAborted);
            if (files.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This collection has no archived outputs yet.");
            }

            return OutputEndpoints.Zip(
                context,
                (OutputFileNames.Slug(collection.Name) is { Length: > 0 } slug ? slug : "collection") + ".zip",
                [.. files.Select(f => new OutputEndpoints.ZipEntrySource(
                    OutputFileNames.For(f.ModelId, f.Prompt, f.Kind, f.Index, f.ContentType, f.StoragePath!),
                    Path.Combine(storage.Value.ResolvedOutputsDirectory, f.StoragePath!)))]);
        }).RequireAuthorization(AuthPolicies.CookieOrToken);
        return endpoints;
    }
}
