using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Upstream;

/// <summary>
/// Where a person's jobs go. <see cref="Sandbox"/>: the built-in sandbox. Otherwise <see cref="Accounts"/> in the order
/// they are tried, empty when none can take a job now (<see cref="Refusal"/> says why).
/// </summary>
public sealed record AccountRoute(bool Sandbox, IReadOnlyList<Guid> Accounts, string? Refusal)
{
    public Guid? First => Accounts.Count > 0 ? Accounts[0] : null;
}

/// <summary>
/// Chooses the accounts of a person: those assigned to their groups, by priority (then the accounts' order), then the
/// team-wide accounts (assigned to no group) in their order, the default first. Only active accounts whose key passed
/// a test take jobs.
/// </summary>
public sealed class AccountRouter(UpstreamAccounts accounts, UpstreamMode mode)
{
    public async Task<AccountRoute> RouteAsync(AppDbContext db, Guid ownerId, CancellationToken cancellationToken)
    {
        if (await mode.IsSandboxAsync(cancellationToken))
        {
            return new AccountRoute(true, [], null);
        }

        var all = await accounts.ListAsync(cancellationToken);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == ownerId).Select(m => m.GroupId).ToListAsync(cancellationToken);
        var ordered = all
            .SelectMany(a => a.Groups.Where(g => groups.Contains(g.GroupId)).Select(g => (Account: a, g.Priority)))
            .OrderBy(x => x.Priority).ThenBy(x => x.Account.Position)
            .Select(x => x.Account)
            .Concat(all.Where(a => a.TeamWide))
            .DistinctBy(a => a.Id)
            .ToList();
        var usable = ordered.Where(a => a.TakesJobs).Select(a => a.Id).ToList();
        return usable.Count > 0 ? new AccountRoute(false, usable, null) : new AccountRoute(false, [], Refusal(ordered));
    }

    private static string Refusal(IReadOnlyList<AccountInfo> yours) => yours.Count == 0
        ? "No reAPI account serves your groups, so the job was not made. Nothing was charged. Ask an admin to assign one."
        : $"No reAPI account can take jobs right now ({string.Join("; ", yours.Select(Why))}), so the job was not made. Nothing was charged. Tell an admin.";

    private static string Why(AccountInfo account) => account switch
    {
        { State: not UpstreamAccountState.Active } => $"\"{account.Name}\" is {account.State.ToString().ToLowerInvariant()}",
        { HasKey: false } => $"\"{account.Name}\" has no key",
        _ => $"\"{account.Name}\"'s key has not passed a test",
    };
}
