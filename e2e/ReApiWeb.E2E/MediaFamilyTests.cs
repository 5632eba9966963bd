using Microsoft.Playwright;

namespace ReApiWeb.E2E;

/// <summary>Jobs of every output family from the form, with earlier outputs reused as inputs in one click.</summary>
public sealed class MediaFamilyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_image_feeds_a_video_in_one_click_and_the_video_plays()
    {
        await browser.RunAsync("/jobs/new?model=z-image", async page =>
        {
            await page.GetByLabel("Prompt").FillAsync("A paper boat on a pond");
            await GenerateAndWaitAsync(page, "Completed");

            await page.GetByRole(AriaRole.Link, new() { Name = "Use as input" }).First.ClickAsync();
            await page.WaitForURLAsync("**/jobs/new?input=*");
            await Expect(page.GetByTestId("input-banner")).ToContainTextAsync("of the Z-Image job “A paper boat on a pond” as Reference images");
            await page.GetByLabel("Prompt").FillAsync("The boat drifts away");
            await GenerateAndWaitAsync(page, "Completed");

            await Expect(page.Locator("video")).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('video').readyState >= 1 && document.querySelector('video').duration > 0");
        });
    }

    [Fact]
    public async Task A_song_is_split_into_labelled_stems_from_its_player()
    {
        await browser.RunAsync("/jobs/new?model=suno-music", async page =>
        {
            await page.GetByLabel("Prompt").FillAsync("a warm folk song about rain");
            await GenerateAndWaitAsync(page, "Completed");
            await Expect(page.Locator("audio").First).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Use as input" }).First.ClickAsync();
            await page.WaitForURLAsync("**/jobs/new?input=*");
            await Expect(page.GetByTestId("input-banner")).ToContainTextAsync("as Audio");
            await GenerateAndWaitAsync(page, "Completed");

            await Expect(page.GetByLabel("vocals")).ToBeVisibleAsync();
            await Expect(page.GetByLabel("instrumental")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task A_text_tool_shows_its_result_as_text()
    {
        await browser.RunAsync("/jobs/new?model=ai-text-detector", async page =>
        {
            await page.GetByLabel("Text").First.FillAsync("<b>Was this written by a person?</b>");
            await GenerateAndWaitAsync(page, "Completed");

            await Expect(page.GetByTestId("output-text").First).ToBeVisibleAsync();
            await Expect(page.GetByText("Raw reAPI output")).ToBeVisibleAsync();
            await Expect(page.Locator("b", new() { HasText = "Was this written" })).ToHaveCountAsync(0); // shown as text, never as HTML
        });
    }

    [Fact]
    public async Task Without_a_public_address_the_upload_control_says_why_it_is_off()
    {
        await browser.RunAsync("/jobs/new?model=topaz-video-upscaler", async page =>
        {
            await Expect(page.GetByTestId("upload-off")).ToContainTextAsync("no public address");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Upload" })).ToBeDisabledAsync();
        });
    }

    private static async Task GenerateAndWaitAsync(IPage page, string status)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
        await page.WaitForURLAsync("**/jobs/*-*");
        await Expect(page.GetByTestId("job-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", status, new() { Timeout = 30_000 });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
