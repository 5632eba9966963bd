using Microsoft.Playwright;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.E2E;

/// <summary>The chat page in a browser: a reply streams in with its cost, renders its Markdown, stops on Stop, and is shared read-only with a teammate.</summary>
public sealed class ChatTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_member_chats_stops_a_reply_and_shares_the_conversation_read_only()
    {
        const string password = "chat-password-1";
        var email = $"chatter-{Guid.NewGuid():N}@test.local";
        var reader = $"reader-{Guid.NewGuid():N}@test.local";
        await browser.App.AddLocalUserAsync(email, password);
        await browser.App.AddLocalUserAsync(reader, password);
        string permalink = "";

        await browser.RunAsync("/chat", async page =>
        {
            await page.Locator("[data-testid=chat-new]").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/chat/[0-9a-f-]{36}$"));
            await BrowserFixture.WaitForInteractiveAsync(page);
            await page.Locator("[data-testid=chat-input]").FillAsync("Show me some [[markdown]]");
            await page.Locator("[data-testid=chat-send]").ClickAsync();

            var first = page.Locator(".chat-assistant").First;
            await Expect(first.Locator("[data-testid=chat-cost]")).ToContainTextAsync("credit");
            await Expect(first.Locator(".chat-markdown strong")).ToHaveTextAsync("bold");
            await Expect(first.Locator(".code-copy")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=chat-title]")).ToHaveTextAsync("Show me some [[markdown]]");

            // A long, slow reply: it streams in, then Stop ends it and it is charged for what was written.
            await page.Locator("[data-testid=chat-input]").FillAsync("[[long]] [[slow]] tell me everything");
            await page.Locator("[data-testid=chat-send]").ClickAsync();
            var second = page.Locator(".chat-assistant").Nth(1);
            await Expect(second.Locator("[data-testid=chat-cost]")).ToHaveTextAsync("Writing…");
            await Expect(second.Locator(".chat-markdown")).ToContainTextAsync("Sandbox reply from");
            await page.Locator("[data-testid=chat-stop]").ClickAsync();
            await Expect(second.Locator("[data-testid=chat-cost]")).ToContainTextAsync("Stopped");
            await Expect(page.Locator("[data-testid=chat-send]")).ToBeVisibleAsync();

            await page.Locator("[data-testid=chat-share]").ClickAsync();
            await Expect(page.Locator("[data-testid=chat-permalink]")).ToContainTextAsync("/chat/");
            permalink = new Uri(page.Url).AbsolutePath;
        }, email, password);

        await browser.RunAsync(permalink, async page =>
        {
            await Expect(page.Locator(".chat-message")).ToHaveCountAsync(4);
            await Expect(page.GetByText("read-only")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=chat-input]")).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-testid=chat-list] a")).ToHaveCountAsync(0); // not in the reader's own list
        }, reader, password);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
