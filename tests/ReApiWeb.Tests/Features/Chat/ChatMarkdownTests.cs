using ReApiWeb.Features.Chat;

namespace ReApiWeb.Tests.Features.Chat;

/// <summary>A reply's Markdown becomes formatted, safe HTML: nothing a model writes can run in a teammate's browser.</summary>
public sealed class ChatMarkdownTests
{
    [Fact]
    public void Markdown_is_formatted_and_code_blocks_get_a_copy_button()
    {
        var html = ChatMarkdown.ToHtml("**Bold** and `code`\n\n```csharp\nvar x = 1 < 2;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        Assert.Contains("<strong>Bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"code-copy\"", html, StringComparison.Ordinal);
        Assert.Contains("var x = 1 &lt; 2;", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<div style=\"position:fixed;inset:0\">cover</div>")]
    public void Nothing_that_runs_or_covers_the_page_survives(string markdown)
    {
        // Parsed as a browser would: what is left may only be shown as text, never become an element that runs or covers.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{ChatMarkdown.ToHtml(markdown)}</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "iframe" or "img" or "div" or "object" or "embed" or "style");
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name == "style"));
        Assert.DoesNotContain(elements, e => (e.GetAttribute("href") ?? e.GetAttribute("src") ?? "").Contains("javascript:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Links_open_apart_without_a_referrer()
    {
        var html = ChatMarkdown.ToHtml("See https://reapi.ai/docs");
        Assert.Contains("href=\"https://reapi.ai/docs\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", html, StringComparison.Ordinal);
    }
}
