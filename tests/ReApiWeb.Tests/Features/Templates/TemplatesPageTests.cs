using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Templates;
using ReApiWeb.Features.Templates.Pages;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Templates;

/// <summary>The templates page, live over a real app's services: write, change in place, and what a teammate may do.</summary>
public sealed class TemplatesPageTests : AppComponentTest
{
    private CurrentUser _me = default!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _me = new CurrentUser(await App.AddLocalUserAsync("maker@test.local", "member-password-1"), "maker", IsAdmin: false);
        SignIn(_me.Id, "maker");
    }

    [Fact]
    public async Task A_template_is_written_shown_with_its_blanks_changed_in_place_and_a_teammates_is_only_used()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var teammate = new CurrentUser(await App.AddLocalUserAsync("mate@test.local", "member-password-1"), "mate", IsAdmin: false);
        await App.Services.GetRequiredService<PromptTemplates>().SaveAsync(teammate, null, "Team style", "House style for {subject}", shared: true, ct);
        Render<MudPopoverProvider>();
        var page = Render<TemplatesPage>();
        page.WaitForAssertion(() => Assert.Contains("Team style", page.Markup, StringComparison.Ordinal));

        page.Find("[data-testid=template-new]").Click();
        page.Find("input[data-testid=template-name]").Change("Portrait");
        page.Find("textarea[data-testid=template-text]").Input("A portrait of {who} in {place}");
        Assert.Equal(["who", "place"], page.FindAll("[data-testid=template-placeholders] .mud-chip").Select(c => c.TextContent.Trim()));
        page.Find("[data-testid=template-save]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-template-id]").Count));
        var mine = page.FindAll("[data-template-id]").Single(i => i.TextContent.Contains("Portrait", StringComparison.Ordinal));
        var theirs = page.FindAll("[data-template-id]").Single(i => i.TextContent.Contains("Team style", StringComparison.Ordinal));
        Assert.Contains("by mate", theirs.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.QuerySelectorAll("button"), b => b.TextContent.Trim() is "Edit" or "Delete");
        Assert.EndsWith($"/jobs/new?template={theirs.GetAttribute("data-template-id")}", theirs.QuerySelector("a")!.GetAttribute("href"), StringComparison.Ordinal);

        mine.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Edit").Click();
        page.Find("textarea[data-testid=template-text]").Input("A portrait of {who}");
        page.Find("[data-testid=template-save]").Click();
        await using var db = await App.DbAsync();
        page.WaitForAssertion(() => Assert.Contains("A portrait of {who}", page.Markup, StringComparison.Ordinal));
        Assert.Equal("A portrait of {who}", await db.PromptTemplates.Where(t => t.OwnerId == _me.Id).Select(t => t.Text).SingleAsync(ct));
    }
}
