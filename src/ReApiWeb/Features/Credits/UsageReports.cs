using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Credits;

/// <summary>Which ledger lines a report covers: one person's or everyone's (<see cref="UserId"/> null), over [From, To).</summary>
public sealed record UsageFilter(Guid? UserId, DateTimeOffset From, DateTimeOffset To, string? ModelId = null, Guid? GroupId = null);

public sealed record LedgerRow(long Id, DateTimeOffset At, Guid UserId, string Person, Guid? JobId, LedgerEntryKind Kind, long Credits, string? ModelId, string? Note)
{
    /// <summary>The reAPI account the line was booked on ("sandbox" for the built-in one); null for a line without a job (an adjustment).</summary>
    public string? Account { get; init; }

    /// <summary>This line's effect on spending: charges and adjustments add, refunds take back.</summary>
    public long Spent => Kind switch
    {
        LedgerEntryKind.Charge or LedgerEntryKind.Adjustment => Credits,
        LedgerEntryKind.Refund => -Credits,
        _ => 0,
    };
}

/// <summary>Spending under one heading (a day, a model, a person or a group) and how many jobs were charged.</summary>
public sealed record SpendRow(string Key, long Credits, int Jobs);

/// <summary>Spending over a filter's span by heading, with the ledger lines it was summed from (newest first).</summary>
public sealed record UsageSummary(long Spent, long Refunded, IReadOnlyList<SpendRow> ByDay, IReadOnlyList<SpendRow> ByModel, IReadOnlyList<SpendRow> ByPerson, IReadOnlyList<SpendRow> ByGroup, IReadOnlyList<LedgerRow> Entries)
{
    /// <summary>Spending by reAPI account, so an account can serve as a cost centre.</summary>
    public IReadOnlyList<SpendRow> ByAccount { get; init; } = [];
}

/// <summary>Spending read from the ledger for the usage pages and the CSV exports.</summary>
public sealed class UsageReports(IDbContextFactory<AppDbContext> dbFactory, Allowances allowances, UpstreamAccounts accounts)
{
    public async Task<IReadOnlyList<LedgerRow>> EntriesAsync(UsageFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Filtered(db, filter)
            .OrderByDescending(e => e.Id)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { Row = new LedgerRow(e.Id, e.At, e.UserId, u.Email, e.JobId, e.Kind, e.Credits, e.ModelId, e.Note), e.AccountId, e.ChatReplyId })
            .ToListAsync(cancellationToken);
        var names = await AccountNamesAsync(cancellationToken);

        // A job's or a chat reply's line was booked on an account; an adjustment's on none.
        return [.. rows.Select(r => r.Row with { Account = r.Row.JobId is null && r.ChatReplyId is null ? null : names(r.AccountId) })];
    }

    /// <summary>An account's name by id (null: the sandbox), as reports show it.</summary>
    private async Task<Func<Guid?, string>> AccountNamesAsync(CancellationToken cancellationToken)
    {
        var list = (await accounts.ListAsync(cancellationToken)).ToDictionary(a => a.Id, a => a.Name);
        return id => id is { } known ? list.GetValueOrDefault(known, "(a removed account)") : "sandbox";
    }

    public async Task<UsageSummary> SummaryAsync(UsageFilter filter, CancellationToken cancellationToken)
    {
        var rows = await EntriesAsync(filter, cancellationToken);
        var spending = rows.Where(r => r.Spent != 0).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var groupsOf = (await db.GroupMembers.AsNoTracking().Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { m.UserId, g.Name }).ToListAsync(cancellationToken))
            .ToLookup(m => m.UserId, m => m.Name);

        List<SpendRow> By(Func<LedgerRow, IEnumerable<string>> keys) => [.. spending
            .SelectMany(r => keys(r).Select(k => (Key: k, Row: r)))
            .GroupBy(x => x.Key)
            .Select(g => new SpendRow(g.Key, g.Sum(x => x.Row.Spent), g.Count(x => x.Row.Kind == LedgerEntryKind.Charge)))
            .OrderByDescending(s => s.Credits)];

        var byDay = By(r => [TimeZoneInfo.ConvertTime(r.At, allowances.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]).OrderBy(s => s.Key).ToList();
        return new UsageSummary(
            spending.Sum(r => r.Spent),
            rows.Where(r => r.Kind == LedgerEntryKind.Refund).Sum(r => r.Credits),
            byDay,
            By(r => [r.ModelId ?? "(adjustment)"]),
            By(r => [r.Person]),
            By(r => groupsOf[r.UserId].DefaultIfEmpty("(no group)")),
            rows)
        {
            ByAccount = By(r => [r.Account ?? "(adjustment)"]),
        };
    }

    /// <summary>The ledger as CSV, oldest first, one line per entry.</summary>
    public async Task WriteLedgerCsvAsync(UsageFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync("id,at_utc,person,kind,credits,model,job_id,note,account");
        foreach (var r in (await EntriesAsync(filter, cancellationToken)).Reverse())
        {
            await writer.WriteLineAsync(Csv.Line(r.Id, r.At, r.Person, r.Kind, r.Credits, r.ModelId, r.JobId, r.Note, r.Account));
        }
    }

    /// <summary>The jobs as CSV with what each was held, charged and refunded.</summary>
    public async Task WriteJobsCsvAsync(UsageFilter filter, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = db.Jobs.AsNoTracking().Where(j => j.CreatedAt >= filter.From && j.CreatedAt < filter.To);
        if (filter.UserId is { } user)
        {
            jobs = jobs.Where(j => j.OwnerId == user);
        }

        if (filter.ModelId is { } model)
        {
            jobs = jobs.Where(j => j.ModelId == model);
        }

        var rows = await jobs.OrderBy(j => j.CreatedAt)
            .Select(j => new
            {
                j.Id, j.CreatedAt, Person = j.Owner!.Email, j.ModelId, j.Status, j.TaskId, j.Prompt, j.ErrorMessage, j.AccountId,
                Held = db.Ledger.Where(e => e.JobId == j.Id && e.Kind == LedgerEntryKind.Hold).Sum(e => (long?)e.Credits),
                Charged = db.Ledger.Where(e => e.JobId == j.Id && e.Kind == LedgerEntryKind.Charge).Sum(e => (long?)e.Credits),
                Refunded = db.Ledger.Where(e => e.JobId == j.Id && e.Kind == LedgerEntryKind.Refund).Sum(e => (long?)e.Credits),
            })
            .ToListAsync(cancellationToken);
        var names = await AccountNamesAsync(cancellationToken);
        await writer.WriteLineAsync("job_id,created_utc,person,model,status,task_id,held,charged,refunded,prompt,error,account");
        foreach (var j in rows)
        {
            await writer.WriteLineAsync(Csv.Line(j.Id, j.CreatedAt, j.Person, j.ModelId, j.Status, j.TaskId, j.Held, j.Charged, j.Refunded, j.Prompt, j.ErrorMessage, names(j.AccountId)));
        }
    }

    private static IQueryable<LedgerEntry> Filtered(AppDbContext db, UsageFilter filter)
    {
        var query = db.Ledger.AsNoTracking().Where(e => e.At >= filter.From && e.At < filter.To);
        if (filter.UserId is { } user)
        {
            query = query.Where(e => e.UserId == user);
        }

        if (filter.GroupId is { } group)
        {
            query = query.Where(e => db.GroupMembers.Any(m => m.GroupId == group && m.UserId == e.UserId));
        }

        return filter.ModelId is { } model ? query.Where(e => e.ModelId == model) : query;
    }
}
