using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Media;

public static class MediaEndpoints
{
    /// <summary>
    /// <c>GET /media/{token}/{name}</c>: the file behind a public link, for reAPI's providers, which cannot sign in.
    /// Anyone holding an unexpired link may fetch it; nothing else is reachable this way.
    /// </summary>
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PublicMediaLinks.RoutePrefix + "/{token}/{name}", async (
            string token,
            HttpContext context,
            PublicMediaLinks links,
            UploadStore uploads,
            IDbContextFactory<AppDbContext> dbFactory,
            IOptions<StorageOptions> storage) =>
        {
            var notFound = Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This link is invalid or has expired.");
            if (links.Resolve(token) is not { } target)
            {
                return notFound;
            }

            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            var file = target.Source switch
            {
                MediaSource.Upload => await db.Uploads.AsNoTracking().Where(u => u.Id == target.Id)
                    .Select(u => new { Path = Path.Combine(uploads.Directory, u.StoragePath), ContentType = (string?)u.ContentType }).SingleOrDefaultAsync(context.RequestAborted),
                _ => await db.JobOutputs.AsNoTracking().Where(o => o.Id == target.Id && o.StoragePath != null)
                    .Select(o => new { Path = Path.Combine(storage.Value.ResolvedOutputsDirectory, o.StoragePath!), o.ContentType })
                    .SingleOrDefaultAsync(context.RequestAborted),
            };
            if (file is null || !File.Exists(file.Path))
            {
                return notFound;
            }

            return MediaTypes.Serve(file.Path, file.ContentType, Path.GetFileName(file.Path));
        }).AllowAnonymous();
        return endpoints;
    }
}
