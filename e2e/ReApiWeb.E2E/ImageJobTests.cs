using Microsoft.Playwright;

namespace ReApiWeb.E2E;

/// <summary>A person signs in, submits an image job from the form and watches it finish live, in a real browser.</summary>
public sealed class ImageJobTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_submitted_image_job_completes_with_its_image_without_a_reload()
    {
        await browser.RunAsync("/jobs/new", async page =>
        {
            await Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();

            await page.GetByLabel("Prompt").FillAsync("A lighthouse on a cliff at dawn, watercolor");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await page.WaitForURLAsync("**/jobs/*-*");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            await Expect(page.GetByTestId("job-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 30_000 });
            var image = page.GetByRole(AriaRole.Img, new() { Name = "Image 1" });
            await Expect(image).ToBeVisibleAsync();
            Assert.True(await image.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded instead of updating live.");

            await page.GetByRole(AriaRole.Link, new() { Name = "My jobs" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "A lighthouse on a cliff at dawn, watercolor" }).First).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task A_failing_prompt_shows_reapis_failure_message()
    {
        await browser.RunAsync("/jobs/new?model=imagen-4-0", async page =>
        {
            await page.GetByLabel("Prompt").FillAsync("something not allowed [fail]");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await page.WaitForURLAsync("**/jobs/*-*");

            await Expect(page.GetByTestId("job-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Failed", new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("job-error")).ToContainTextAsync("Request violates content policy");
            await Expect(page.GetByTestId("job-error")).ToContainTextAsync("80006");
        });
    }

    [Fact]
    public async Task An_empty_prompt_is_refused_in_the_form_and_nothing_is_submitted()
    {
        await browser.RunAsync("/jobs/new", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();

            await Expect(page.GetByText("Prompt is required.")).ToBeVisibleAsync();
            Assert.EndsWith("/jobs/new", page.Url, StringComparison.Ordinal);
        });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
