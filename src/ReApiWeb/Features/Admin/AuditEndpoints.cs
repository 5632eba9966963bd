using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;

namespace ReApiWeb.Features.Admin;

/// <summary><c>/admin/audit.csv</c>: the audit log, filtered like the page (<c>search</c>, <c>kind</c>, <c>from</c>, <c>to</c>), for admins.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/audit.csv", ExportAsync).RequireAuthorization(AuthPolicies.Admin);
        return endpoints;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, AuditLog log)
    {
        var query = context.Request.Query;
        if (!UsageEndpoints.TryDate(query["from"], DateTimeOffset.MinValue, out var from) || !UsageEndpoints.TryDate(query["to"], DateTimeOffset.MaxValue, out var to))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "from and to must be dates like 2026-11-01.");
        }

        var filter = new AuditFilter(query["search"], query["kind"], from, to);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"reapiweb-audit.csv\"";
        await using var writer = new StreamWriter(context.Response.Body);
        await log.WriteCsvAsync(filter, writer, context.RequestAborted);
        return Results.Empty;
    }
}
