using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Admin;

/// <summary>
/// Admin pages in bUnit over a real app's services: what cannot be taken back or moves money asks first, and
/// allowances and prices change only on Save, after a summary of the change.
/// </summary>
public sealed class AdminConfirmationsTests : AppComponentTest
{
    private Guid _memberId;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _memberId = await App.AddLocalUserAsync("member@test.local", "member-password-1");
        SignIn(await App.AdminIdAsync(), "Administrator", admin: true);
    }

    private async Task<User> MemberAsync()
    {
        await using var db = await App.DbAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == _memberId, Xunit.TestContext.Current.CancellationToken);
    }

    private static void Answer(IRenderedComponent<MudDialogProvider> dialogs, string button) =>
        dialogs.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == button).Click();

    [Fact]
    public async Task Disabling_a_person_or_making_an_admin_asks_first_and_cancel_changes_nothing()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReApiWeb.Features.Admin.Pages.People>();
        var active = page.WaitForElement("input[aria-label='Active: member']");

        active.Change(false);
        dialogs.WaitForAssertion(() => Assert.Contains("Disable member?", dialogs.Markup, StringComparison.Ordinal));
        Answer(dialogs, "Cancel");
        page.WaitForAssertion(() => Assert.True(page.Find("input[aria-label='Active: member']").HasAttribute("checked") || page.Find("input[aria-label='Active: member']").GetAttribute("aria-checked") == "true"));
        Assert.False((await MemberAsync()).IsDisabled);

        page.Find("input[aria-label='Admin: member']").Change(true);
        Answer(dialogs, "Cancel");
        Assert.False((await MemberAsync()).IsAdmin);
        page.WaitForAssertion(() => Assert.False(page.Find("input[aria-label='Admin: member']").HasAttribute("checked")));

        page.Find("input[aria-label='Active: member']").Change(false);
        Answer(dialogs, "Disable");
        await WaitAsync(async () => (await MemberAsync()).IsDisabled);
    }

    [Fact]
    public async Task An_allowance_is_saved_only_with_save_after_a_summary()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReApiWeb.Features.Credits.Pages.Admin.Quotas>();
        var day = page.WaitForElement($"input[data-testid=quota-User-{_memberId}-Day]");

        day.Input("500");
        page.WaitForAssertion(() => Assert.Contains("Not saved: Day: no limit → 500 credits", page.Find("[data-testid=pending-changes]").TextContent, StringComparison.Ordinal));
        await using (var db = await App.DbAsync())
        {
            Assert.False(await db.Quotas.AnyAsync(Xunit.TestContext.Current.CancellationToken));
        }

        page.Find("[data-testid=pending-save]").Click();
        await WaitAsync(async () =>
        {
            await using var db = await App.DbAsync();
            return await db.Quotas.AnyAsync(q => q.SubjectId == _memberId && q.Period == QuotaPeriod.Day && q.Credits == 500);
        });
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pending-changes]")));
        Assert.Empty(dialogs.FindAll(".mud-dialog"));
    }

    [Fact]
    public async Task A_price_is_saved_only_with_save_and_a_reset_asks_first()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReApiWeb.Features.Credits.Pages.Admin.PriceTable>();
        page.WaitForElement("input[data-testid='price-mureka-v9-song-']").Input("120");
        page.WaitForAssertion(() => Assert.Contains("price: 100 → 120 credits per unit", page.Find("[data-testid=pending-changes]").TextContent, StringComparison.Ordinal));
        await using (var db = await App.DbAsync())
        {
            Assert.False(await db.Prices.AnyAsync(Xunit.TestContext.Current.CancellationToken));
        }

        page.Find("[data-testid=pending-save]").Click();
        await WaitAsync(async () =>
        {
            await using var db = await App.DbAsync();
            return await db.Prices.AnyAsync(p => p.ModelId == "mureka-v9-song" && p.Credits == 120);
        });

        page.WaitForAssertion(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Reset").Click());
        Answer(dialogs, "Cancel");
        await using (var db = await App.DbAsync())
        {
            Assert.True(await db.Prices.AnyAsync(p => p.ModelId == "mureka-v9-song", Xunit.TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Deleting_a_group_asks_first()
    {
        var group = await App.AddGroupAsync("Designers", [_memberId]);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReApiWeb.Features.Credits.Pages.Admin.Quotas>();
        page.WaitForAssertion(() => Assert.Contains("Designers", page.Markup, StringComparison.Ordinal));

        page.FindAll("button").Single(b => b.TextContent.Trim() == "Delete group").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Its 1 members lose the group's allowances", dialogs.Markup, StringComparison.Ordinal));
        Answer(dialogs, "Cancel");
        await using (var db = await App.DbAsync())
        {
            Assert.True(await db.Groups.AnyAsync(g => g.Id == group, Xunit.TestContext.Current.CancellationToken));
        }

        page.FindAll("button").Single(b => b.TextContent.Trim() == "Delete group").Click();
        Answer(dialogs, "Delete group");
        await WaitAsync(async () =>
        {
            await using var db = await App.DbAsync();
            return !await db.Groups.AnyAsync(g => g.Id == group);
        });
    }
}
