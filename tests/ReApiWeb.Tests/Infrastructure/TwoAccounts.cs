using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Two accounts seeded from configuration on one sandbox server: "First" (team-wide, the default) and "Second", which
/// serves the members of <see cref="SecondGroup"/> before it (they fail over to "First").
/// </summary>
public static class TwoAccounts
{
    public const string SecondGroup = "Second's people";

    public static void Configure(IDictionary<string, string?> settings, string firstKey, string secondKey)
    {
        settings["ReApi:Accounts:0:Name"] = "First";
        settings["ReApi:Accounts:0:ApiKey"] = firstKey;
        settings["ReApi:Accounts:1:Name"] = "Second";
        settings["ReApi:Accounts:1:ApiKey"] = secondKey;
        settings["ReApi:Accounts:1:Groups:0"] = SecondGroup;
    }

    /// <summary>Each account's key by its id, for <c>LedgerInvariants.AssertHoldAsync</c>.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> KeysAsync(TestApp app, string firstKey, string secondKey) =>
        (await app.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None))
            .ToDictionary(a => a.Id, a => a.Name == "First" ? firstKey : secondKey);

    /// <summary>Makes <paramref name="person"/> a member of <see cref="SecondGroup"/>, so their jobs go to "Second" first.</summary>
    public static async Task JoinSecondAsync(TestApp app, Guid person)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await app.DbAsync();
        var group = await db.Groups.SingleAsync(g => g.Name == SecondGroup, ct);
        db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = person });
        await db.SaveChangesAsync(ct);
    }
}
