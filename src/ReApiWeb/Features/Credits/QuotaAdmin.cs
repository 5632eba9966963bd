using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Credits;

/// <summary>A person as the quota pages list them, with the groups they belong to.</summary>
public sealed record PersonRow(Guid Id, string Name, string Email, IReadOnlyList<string> Groups);

/// <summary>An allowance as set (not as used): who it caps, per what, how much, and the increases still running.</summary>
public sealed record QuotaRow(Guid Id, QuotaScope Scope, Guid? SubjectId, QuotaPeriod Period, long Credits, IReadOnlyList<QuotaGrant> Grants);

/// <summary>
/// What admins change about limits and spending: allowances per person, group and team, temporary increases, local
/// groups and their members, ledger adjustments. Every change is written to the audit log in the same transaction.
/// </summary>
public sealed class QuotaAdmin(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, IEventBus bus, CreditLedger ledger, WriteGate writes, TimeProvider time)
{
    public async Task<IReadOnlyList<QuotaRow>> QuotasAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Quotas.AsNoTracking()
            .Select(q => new QuotaRow(q.Id, q.Scope, q.SubjectId, q.Period, q.Credits, q.Grants.Where(g => g.ExpiresAt > now).ToList()))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PersonRow>> PeopleAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var groups = await db.GroupMembers.AsNoTracking().Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { m.UserId, g.Name }).ToListAsync(cancellationToken);
        var byUser = groups.ToLookup(g => g.UserId, g => g.Name);
        return [.. (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(cancellationToken))
            .Select(u => new PersonRow(u.Id, u.DisplayName, u.Email, [.. byUser[u.Id].Order()]))];
    }

    public async Task<IReadOnlyList<Group>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Groups.AsNoTracking().Include(g => g.Members).ThenInclude(m => m.User).OrderBy(g => g.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Sets an allowance, or removes it when <paramref name="credits"/> is null.</summary>
    public async Task SetQuotaAsync(QuotaScope scope, Guid? subjectId, QuotaPeriod period, long? credits, Actor admin, CancellationToken cancellationToken)
    {
        if (credits is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(credits), "An allowance cannot be negative.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var quota = await db.Quotas.SingleOrDefaultAsync(q => q.Scope == scope && q.SubjectId == subjectId && q.Period == period, cancellationToken);
        var subject = await SubjectNameAsync(db, scope, subjectId, cancellationToken);
        var before = quota?.Credits;
        if (credits is null)
        {
            if (quota is null)
            {
                return;
            }

            db.Quotas.Remove(quota);
        }
        else
        {
            quota ??= db.Quotas.Add(new Quota { Scope = scope, SubjectId = subjectId, Period = period }).Entity;
            quota.Credits = credits.Value;
            quota.UpdatedAt = time.GetUtcNow();
        }

        await audit.AddAdminChangeAsync(db, admin, "quota.set", $"{subject}, {CreditPeriods.Adjective(period)}: {Describe(before)} → {Describe(credits)}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new CreditsMoved(Guid.Empty));
    }

    /// <summary>Raises an allowance by <paramref name="credits"/> until <paramref name="expiresAt"/>.</summary>
    public async Task GrantAsync(Guid quotaId, long credits, DateTimeOffset expiresAt, string reason, Actor admin, CancellationToken cancellationToken)
    {
        if (credits <= 0 || expiresAt <= time.GetUtcNow() || string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("An increase needs a positive amount, an expiry in the future and a reason.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var quota = await db.Quotas.SingleAsync(q => q.Id == quotaId, cancellationToken);
        db.QuotaGrants.Add(new QuotaGrant { QuotaId = quotaId, Credits = credits, ExpiresAt = expiresAt, Reason = reason.Trim(), GrantedBy = admin.Id, CreatedAt = time.GetUtcNow() });
        var subject = await SubjectNameAsync(db, quota.Scope, quota.SubjectId, cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, "quota.grant", $"{subject}, {CreditPeriods.Adjective(quota.Period)}: +{credits:N0} credits until {expiresAt:yyyy-MM-dd HH:mm} UTC ({reason.Trim()})", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new CreditsMoved(Guid.Empty));
    }

    /// <summary>Posts a correction to a person's ledger: positive credits add spending, negative give credits back.</summary>
    public async Task AdjustAsync(Guid userId, long credits, string reason, Actor admin, CancellationToken cancellationToken)
    {
        if (credits == 0 || string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("An adjustment needs a non-zero amount and a reason.");
        }

        var now = time.GetUtcNow();
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.InTransactionAsync(async transaction =>
            {
                var person = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
                await audit.AddAdminChangeAsync(db, admin, "ledger.adjust", $"{person}: {credits:+#,0;-#,0} credits ({reason.Trim()})", cancellationToken);
                await ledger.AdjustAsync(db, userId, credits, reason.Trim(), admin.Id, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }, cancellationToken);
        }
    }

    public async Task<Guid> CreateGroupAsync(string name, Actor admin, CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > 100)
        {
            throw new ArgumentException("A group name needs 1 to 100 characters.", nameof(name));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Groups.AnyAsync(g => g.Name == trimmed, cancellationToken))
        {
            throw new ArgumentException($"A group named '{trimmed}' already exists.", nameof(name));
        }

        var group = db.Groups.Add(new Group { Name = trimmed, CreatedAt = time.GetUtcNow() }).Entity;
        await audit.AddAdminChangeAsync(db, admin, "group.create", trimmed, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return group.Id;
    }

    public async Task SetMemberAsync(Guid groupId, Guid userId, bool member, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Groups.AnyAsync(g => g.Id == groupId && g.FromProvider, cancellationToken))
        {
            throw new InvalidOperationException("The identity provider decides who is in this group; change it there.");
        }

        var existing = await db.GroupMembers.SingleOrDefaultAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken);
        if ((existing is not null) == member)
        {
            return;
        }

        if (member)
        {
            db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = userId });
        }
        else
        {
            db.GroupMembers.Remove(existing!);
        }

        var group = await db.Groups.Where(g => g.Id == groupId).Select(g => g.Name).SingleAsync(cancellationToken);
        var person = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, member ? "group.add" : "group.remove", $"{person} {(member ? "added to" : "removed from")} {group}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new CreditsMoved(userId));
    }

    /// <summary>Limits the models the group's members may use (none listed: every model).</summary>
    public async Task SetAllowedModelsAsync(Guid groupId, IReadOnlyCollection<string> models, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.Groups.SingleAsync(g => g.Id == groupId, cancellationToken);
        group.AllowedModels = [.. models.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        await audit.AddAdminChangeAsync(db, admin, "group.models", $"{group.Name}: {(group.AllowedModels.Count == 0 ? "every model" : string.Join(", ", group.AllowedModels))}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteGroupAsync(Guid groupId, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.Groups.SingleAsync(g => g.Id == groupId, cancellationToken);
        db.Groups.Remove(group);
        db.Quotas.RemoveRange(db.Quotas.Where(q => q.Scope == QuotaScope.Group && q.SubjectId == groupId));
        await audit.AddAdminChangeAsync(db, admin, "group.delete", group.Name, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new CreditsMoved(Guid.Empty));
    }

    private static string Describe(long? credits) => credits is { } c ? $"{c:N0} credits" : "none";

    private static async Task<string> SubjectNameAsync(AppDbContext db, QuotaScope scope, Guid? subjectId, CancellationToken cancellationToken) => scope switch
    {
        QuotaScope.User => await db.Users.Where(u => u.Id == subjectId).Select(u => u.Email).SingleAsync(cancellationToken),
        QuotaScope.Group => "group " + await db.Groups.Where(g => g.Id == subjectId).Select(g => g.Name).SingleAsync(cancellationToken),
        _ => "team",
    };
}
