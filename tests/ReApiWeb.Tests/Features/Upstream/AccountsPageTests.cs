using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Features.Upstream;

/// <summary>Admin → Accounts in bUnit over a real app, with the app's own sandbox as the account's reAPI.</summary>
public sealed class AccountsPageTests : AppComponentTest
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        SignIn(await App.AdminIdAsync(), "Administrator", admin: true);
    }

    /// <summary>Each step crosses the app's own sandbox over HTTP and the database: on a loaded machine bUnit's 1 s default is too short.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    private string SandboxUrl => new Uri(App.BaseUri, UpstreamClients.SandboxPath).AbsoluteUri;

    /// <summary>
    /// Fills the form and adds. Each find and its event run on the renderer's turn: the page reloads by itself when an
    /// account changes (an earlier test's event may still be arriving), and a re-render between a find and its click
    /// would leave the click on a handler that is gone (CI once met exactly that).
    /// </summary>
    private static void Add(IRenderedComponent<ReApiWeb.Features.Upstream.Pages.Accounts> page, string name, string url, string key)
    {
        page.InvokeAsync(() => page.Find("input[data-testid=account-field-name]").Change(name)).GetAwaiter().GetResult();
        page.InvokeAsync(() => page.Find("input[data-testid=account-field-url]").Change(url)).GetAwaiter().GetResult();
        page.InvokeAsync(() => page.Find("input[data-testid=account-field-key]").Change(key)).GetAwaiter().GetResult();
        page.InvokeAsync(() => page.Find("[data-testid=account-add]").Click()).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task An_admin_adds_a_working_and_a_mistyped_account_and_only_the_tested_one_takes_jobs()
    {
        var page = Render<ReApiWeb.Features.Upstream.Pages.Accounts>();
        page.WaitForElement("[data-testid=account-add]", Step);
        Assert.Contains("Sandbox", page.Find("[data-testid=upstream-mode]").TextContent, StringComparison.Ordinal);

        Add(page, "Studio", SandboxUrl, App.Services.GetRequiredService<SandboxKey>().Value);
        page.WaitForAssertion(() => Assert.Contains("the key works. Balance:", page.Find("[data-testid=accounts-message]").TextContent, StringComparison.Ordinal), Step);

        Add(page, "Typo", SandboxUrl, "rk_live_mistyped_key_9999");
        page.WaitForAssertion(() => Assert.Contains("the test failed: reAPI refused the key", page.Find("[data-testid=accounts-message]").TextContent, StringComparison.Ordinal), Step);

        var accounts = await App.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None);
        Assert.Equal([("Studio", true), ("Typo", false)], accounts.Select(a => (a.Name, a.TakesJobs)));
        Assert.Contains("Live", page.Find("[data-testid=upstream-mode]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("untested: takes no jobs until a test passes", page.FindAll("[data-testid=account-key]")[1].TextContent, StringComparison.Ordinal), Step);

        // A mistake in the form is said there, and nothing is added.
        Add(page, "Bad address", "ftp://example.com", "rk_live_whatever_key_1");
        page.WaitForAssertion(() => Assert.Contains("must be an absolute http(s) URL", page.Markup, StringComparison.Ordinal), Step);
        Assert.Equal(2, (await App.Services.GetRequiredService<UpstreamAccounts>().ListAsync(CancellationToken.None)).Count);

        await using var db = await App.DbAsync();
        Assert.Equal(2, await db.Audit.CountAsync(e => e.Action == "account.add", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Removing_the_last_account_asks_first_and_says_the_team_falls_back_to_the_sandbox()
    {
        var accounts = App.Services.GetRequiredService<UpstreamAccounts>();
        await accounts.AddAsync(new AccountDraft("Only", SandboxUrl, "rk_live_only_account_1"), new ReApiWeb.Features.Admin.Actor(await App.AdminIdAsync(), "Admin"), CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReApiWeb.Features.Upstream.Pages.Accounts>();
        page.WaitForElement("[data-testid=account]", Step).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();

        var dialog = dialogs.WaitForElement(".mud-dialog", Step);
        Assert.Contains("falls back to the built-in sandbox", dialog.TextContent, StringComparison.Ordinal);
        dialog.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        Assert.Single(await accounts.ListAsync(CancellationToken.None));

        page.Find("[data-testid=account]").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();
        dialogs.WaitForElement(".mud-dialog", Step).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Remove account").Click();
        await WaitAsync(async () => (await accounts.ListAsync(CancellationToken.None)).Count == 0);
        page.WaitForAssertion(() => Assert.Contains("The team now works on the sandbox.", page.Find("[data-testid=accounts-message]").TextContent, StringComparison.Ordinal), Step);
    }
}
