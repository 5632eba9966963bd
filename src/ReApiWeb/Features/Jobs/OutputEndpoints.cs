using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs;

public static class OutputEndpoints
{
    /// <summary><c>GET /outputs/{id}</c>: an archived output, to its owner or an admin only.</summary>
    public static IEndpointRouteBuilder MapOutputEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/outputs/{id:guid}", async (Guid id, HttpContext context, IDbContextFactory<AppDbContext> dbFactory, IOptions<StorageOptions> storage) =>
        {
            var user = CurrentUser.From(context.User);
            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            var output = await db.JobOutputs.AsNoTracking()
                .Where(o => o.Id == id)
                .Join(db.Jobs, o => o.JobId, j => j.Id, (o, j) => new { o.StoragePath, o.ContentType, j.OwnerId })
                .SingleOrDefaultAsync(context.RequestAborted);
            if (user is null || output is null || !user.CanSee(output.OwnerId))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such output.");
            }

            if (output.StoragePath is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This output is not archived yet.");
            }

            var path = Path.GetFullPath(Path.Combine(storage.Value.ResolvedOutputsDirectory, output.StoragePath));
            return MediaTypes.Serve(path, output.ContentType, Path.GetFileName(path));
        }).RequireAuthorization(AuthPolicies.CookieOrToken);
        return endpoints;
    }
}
