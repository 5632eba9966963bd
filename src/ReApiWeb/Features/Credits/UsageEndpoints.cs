using System.Globalization;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Credits;

/// <summary>CSV exports of the ledger and the jobs: a member gets their own; an admin gets everyone's with <c>all=true</c>.</summary>
public static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsageExports(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/usage").RequireAuthorization();
        group.MapGet("/ledger.csv", (HttpContext context, UsageReports reports) =>
            ExportAsync(context, "ledger", (filter, writer, ct) => reports.WriteLedgerCsvAsync(filter, writer, ct)));
        group.MapGet("/jobs.csv", (HttpContext context, UsageReports reports) =>
            ExportAsync(context, "jobs", (filter, writer, ct) => reports.WriteJobsCsvAsync(filter, writer, ct)));
        return endpoints;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, string name, Func<UsageFilter, TextWriter, CancellationToken, Task> write)
    {
        var user = CurrentUser.From(context.User)!;
        var query = context.Request.Query;
        var everyone = query["all"] == "true";
        if (everyone && !user.IsAdmin)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Only admins can export everyone's usage.");
        }

        if (!TryDate(query["from"], DateTimeOffset.MinValue, out var from) || !TryDate(query["to"], DateTimeOffset.MaxValue, out var to))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "from and to must be dates like 2026-11-01.");
        }

        var model = string.IsNullOrWhiteSpace(query["model"]) ? null : query["model"].ToString();
        var filter = new UsageFilter(everyone ? null : user.Id, from, to, model);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"reapiweb-{name}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body);
        await write(filter, writer, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>A date (UTC midnight), or <paramref name="fallback"/> when absent; "to" dates are inclusive, so one day is added.</summary>
    internal static bool TryDate(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        value = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (fallback == DateTimeOffset.MaxValue)
        {
            value = value.AddDays(1);
        }

        return true;
    }
}
