using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Credits;

/// <summary>One allowance as it stands for a person now: its limit (with unexpired increases), what is used, when it resets.</summary>
public sealed record Allowance(Guid QuotaId, QuotaScope Scope, QuotaPeriod Period, string Name, long Limit, long Used, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt)
{
    public long Left => Math.Max(0, Limit - Used);

    public double Share => Limit <= 0 ? 1 : (double)Used / Limit;
}

/// <summary>
/// Works out which allowances apply to a person (their own, their groups', the team's cap) and how much of each is
/// used, from the ledger's running totals (<see cref="CreditTotals"/>). Runs on the caller's context, so admission
/// reads it inside its write transaction.
/// </summary>
public sealed class Allowances(IOptions<CreditsOptions> options, CreditTotals totals)
{
    public TimeZoneInfo Zone { get; } = options.Value.Zone;

    public async Task<IReadOnlyList<Allowance>> ForUserAsync(AppDbContext db, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { g.Id, g.Name })
            .ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
        var groupIds = groups.Keys.Select(id => (Guid?)id).ToList();
        var quotas = await db.Quotas.AsNoTracking()
            .Where(q => q.Scope == QuotaScope.Team
                || (q.Scope == QuotaScope.User && q.SubjectId == userId)
                || (q.Scope == QuotaScope.Group && groupIds.Contains(q.SubjectId)))
            .Select(q => new { Quota = q, Extra = q.Grants.Where(g => g.ExpiresAt > now).Sum(g => g.Credits) })
            .ToListAsync(cancellationToken);

        var result = new List<Allowance>(quotas.Count);
        foreach (var (quota, extra) in quotas.Select(q => (q.Quota, q.Extra)))
        {
            var start = CreditPeriods.Start(quota.Period, now, Zone);
            var period = CreditTotals.PeriodOf(quota.Period);
            var used = quota.Scope == QuotaScope.Group
                ? await totals.GroupConsumedAsync(db, quota.SubjectId ?? Guid.Empty, period, now, cancellationToken)
                : (await totals.ForAsync(db, quota.Scope == QuotaScope.User ? userId : Guid.Empty, period, now, cancellationToken)).Consumed;
            var name = quota.Scope switch
            {
                QuotaScope.User => $"your {CreditPeriods.Adjective(quota.Period)} allowance",
                QuotaScope.Group => $"the {groups.GetValueOrDefault(quota.SubjectId ?? Guid.Empty)} group's {CreditPeriods.Adjective(quota.Period)} allowance",
                _ => $"the team's {CreditPeriods.Adjective(quota.Period)} cap",
            };
            result.Add(new Allowance(quota.Id, quota.Scope, quota.Period, name, quota.Credits + extra, used, start, CreditPeriods.End(quota.Period, now, Zone)));
        }

        return result;
    }

    /// <summary>"on Tue 24 Nov at 00:00 (Europe/Paris)".</summary>
    public string ResetText(DateTimeOffset at) =>
        $"on {TimeZoneInfo.ConvertTime(at, Zone).ToString("ddd d MMM 'at' HH:mm", CultureInfo.InvariantCulture)} ({Zone.Id})";
}
