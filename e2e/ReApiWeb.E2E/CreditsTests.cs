using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReApiWeb.Data;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>A member with a daily allowance sees the cost before Generate, their spend after, a refund for a failed job, and a refusal past the limit.</summary>
public sealed class CreditsTests(BrowserFixture browser)
{
    private const string Password = "member-password-1";

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task The_usage_charts_and_their_legends_fit_the_page(int width)
    {
        var submitter = browser.App.Services.GetRequiredService<ReApiWeb.Features.Jobs.JobSubmitter>();
        var admin = await browser.App.AdminIdAsync();
        foreach (var model in new[] { "doubao-seedance-2.0-fast-face", "doubao-seedream-5-0-lite", "gpt-image-2-official", "gpt-image-2", "flux-2-flex", "flux-2", "z-image" })
        {
            var result = await submitter.SubmitAsync(admin, new ReApiWeb.Features.Jobs.JobRequest(model, new System.Text.Json.Nodes.JsonObject { ["prompt"] = "usage legend " + model }, Guid.NewGuid()), CancellationToken.None);
            Assert.NotNull(result.JobId);
        }

        await browser.RunAsync("/admin/usage", async page =>
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ReloadAsync();
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Expect(page.Locator(".spend-table").First).ToBeVisibleAsync();
            await Expect(page.Locator(".spend-swatch").First).ToBeVisibleAsync();
            // The charts lay themselves out again after the resize: wait until nothing is wider than the page, then
            // say what still is if that never happens.
            const string overflowing = """
                () => {
                  const found = [];
                  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
                  document.querySelectorAll('.mud-chart, .spend-table, .spend-rows td').forEach(e => {
                    const r = e.getBoundingClientRect();
                    const box = e.closest('.mud-paper').getBoundingClientRect();
                    if (r.right > box.right + 1 || r.left < box.left - 1) found.push(`${e.className || e.textContent.trim()} leaves its box`);
                  });
                  return found;
                }
                """;
            try
            {
                await page.WaitForFunctionAsync($"() => ({overflowing})().length === 0", null, new() { Timeout = 10_000 });
            }
            catch (PlaywrightException)
            {
                Assert.Fail(string.Join("; ", await page.EvaluateAsync<string[]>(overflowing)));
            }
        });
    }

    [Fact]
    public async Task A_member_sees_the_cost_the_spend_the_refund_and_the_refusal_past_their_allowance()
    {
        var email = $"member-{Guid.NewGuid():N}@test.local";
        var member = await browser.App.AddLocalUserAsync(email, Password);
        await browser.App.SetQuotaAsync(QuotaScope.User, member, QuotaPeriod.Day, 100);

        await browser.RunAsync("/jobs/new", async page =>
        {
            // A job above the admin's threshold (1,000 credits by default) asks first; cancelling sends nothing.
            await page.GotoAsync("/jobs/new?model=veo3.1-quality-official");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await page.GetByLabel("Prompt *", new() { Exact = true }).FillAsync("a long expensive shot");
            await Expect(page.GetByTestId("cost")).ToHaveTextAsync("800 credits");
            var samples = page.GetByRole(AriaRole.Spinbutton, new() { Name = "Videos" });
            await samples.FillAsync("2");
            await samples.PressAsync("Tab");
            await Expect(page.GetByTestId("cost")).ToHaveTextAsync("1,600 credits");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("This job costs 1,600 credits ($1.60)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
            Assert.EndsWith("/jobs/new?model=veo3.1-quality-official", page.Url, StringComparison.Ordinal);

            // The cost and what is left, before anything is sent.
            await page.GotoAsync("/jobs/new?model=gpt-image-2");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Expect(page.GetByTestId("cost")).ToHaveTextAsync("30 credits");
            await Expect(page.GetByTestId("available")).ToContainTextAsync("Available: 100 of 100 credits (your daily allowance");
            await GenerateAsync(page, "A lighthouse on a cliff at dawn", "Completed");
            await Expect(page.GetByTestId("credits-chip")).ToContainTextAsync("70 available");

            // A failed job is refunded: the spend stays at 30 and the ledger shows the refund.
            await page.GotoAsync("/jobs/new?model=gpt-image-2");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await GenerateAsync(page, "something not allowed [fail]", "Failed");
            await page.GotoAsync("/usage");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Expect(page.GetByTestId("figure-spent-month")).ToContainTextAsync("30");
            await Expect(page.GetByTestId("figure-available")).ToContainTextAsync("70");
            await Expect(page.GetByTestId("ledger-table").GetByText("Refund")).ToBeVisibleAsync();

            // Four images cost 120: more than is left, so the form warns and the submission is refused with the reason.
            await page.GotoAsync("/jobs/new?model=gpt-image-2-official");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await page.GetByLabel("Prompt").FillAsync("four large posters");
            var images = page.GetByRole(AriaRole.Spinbutton, new() { Name = "Images" });
            await images.FillAsync("4");
            await images.PressAsync("Tab");
            await Expect(page.GetByTestId("cost")).ToHaveTextAsync("120 credits");
            await Expect(page.GetByTestId("cost-panel")).ToContainTextAsync("it would be refused");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.GetByTestId("submit-error")).ToContainTextAsync("This job costs 120 credits, but your daily allowance has 70 of 100 credits left. It resets on");
            Assert.EndsWith("/jobs/new?model=gpt-image-2-official", page.Url, StringComparison.Ordinal);
        }, email, Password);
    }

    private static async Task GenerateAsync(IPage page, string prompt, string finalStatus)
    {
        await page.GetByLabel("Prompt").FillAsync(prompt);
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await page.WaitForURLAsync("**/jobs/*-*");
        await Expect(page.GetByTestId("job-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", finalStatus, new() { Timeout = 30_000 });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
