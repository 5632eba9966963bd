using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

/// <summary>
/// An admin action is checked against the actor's rights at the moment it runs, not when their page opened: a page
/// left open by an admin who was since demoted (or disabled) can no longer change anything.
/// </summary>
public sealed class AdminRightsTests : AppTest
{
    private Actor _root = default!;
    private Actor _demoted = default!;
    private Guid _bystander;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _root = new Actor(await App.AdminIdAsync(), "Root");
        var ids = await App.AddUsersAsync(2);
        _bystander = ids[1];
        _demoted = new Actor(ids[0], "Soon demoted");
        var people = App.Services.GetRequiredService<PeopleAdmin>();
        await people.SetAdminAsync(_demoted.Id, true, _root, CancellationToken.None);
        await people.SetAdminAsync(_demoted.Id, false, _root, CancellationToken.None);
    }

    [Fact]
    public async Task A_demoted_admin_cannot_make_someone_else_an_admin()
    {
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() =>
            App.Services.GetRequiredService<PeopleAdmin>().SetAdminAsync(_bystander, true, _demoted, ct));

        await using var db = await App.DbAsync();
        Assert.False((await db.Users.SingleAsync(u => u.Id == _bystander, ct)).IsAdmin);
        Assert.False(await db.Audit.AnyAsync(a => a.ActorId == _demoted.Id, ct));
    }

    [Fact]
    public async Task A_demoted_admin_cannot_change_quotas_groups_prices_or_the_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = App.Services;

        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => services.GetRequiredService<QuotaAdmin>().SetQuotaAsync(QuotaScope.Team, null, QuotaPeriod.Month, 1, _demoted, ct));
        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => services.GetRequiredService<QuotaAdmin>().CreateGroupAsync("sneaky", _demoted, ct));
        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => services.GetRequiredService<QuotaAdmin>().AdjustAsync(_demoted.Id, -1000, "free credits", _demoted, ct));
        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => services.GetRequiredService<PriceBook>().SetAsync("z-image", "", 0, _demoted, ct));
        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => services.GetRequiredService<UpstreamAccounts>().AddAsync(new AccountDraft("Stolen", "https://reapi.ai/api/v1", "rk_live_stolen"), _demoted, ct));

        await using var db = await App.DbAsync();
        Assert.False(await db.Quotas.AnyAsync(ct));
        Assert.False(await db.Groups.AnyAsync(g => g.Name == "sneaky", ct));
        Assert.False(await db.Ledger.AnyAsync(l => l.UserId == _demoted.Id, ct));
        Assert.False(await db.Prices.AnyAsync(ct));
        Assert.False(await db.Audit.AnyAsync(a => a.ActorId == _demoted.Id, ct));
    }

    [Fact]
    public async Task A_disabled_admin_cannot_act_either()
    {
        var ct = TestContext.Current.CancellationToken;
        var other = (await App.AddUsersAsync(1))[0];
        var people = App.Services.GetRequiredService<PeopleAdmin>();
        await people.SetAdminAsync(other, true, _root, ct);
        await people.SetDisabledAsync(other, true, _root, ct);

        await Assert.ThrowsAnyAsync<UnauthorizedAccessException>(() => people.SetAdminAsync(_bystander, true, new Actor(other, "Disabled admin"), ct));
    }

    [Fact]
    public async Task A_current_admin_still_acts()
    {
        var ct = TestContext.Current.CancellationToken;

        await App.Services.GetRequiredService<QuotaAdmin>().CreateGroupAsync("design", _root, ct);

        await using var db = await App.DbAsync();
        Assert.True(await db.Groups.AnyAsync(g => g.Name == "design", ct));
    }
}
