using Ganss.Xss;
using Markdig;

namespace ReApiWeb.Features.Chat;

/// <summary>
/// A reply's Markdown as safe HTML: Markdig with raw HTML turned off (it is shown as text), then an allow-list sanitiser
/// (no scripts, handlers, styles, images or <c>javascript:</c> links); links open in a new tab without a referrer, and every code
/// block gets a Copy button (a click handler in app.js copies its code).
/// </summary>
public static class ChatMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string ToHtml(string markdown)
    {
        var html = Markdown.ToHtml(markdown, Pipeline)
            .Replace("<pre>", """<div class="code-block"><button type="button" class="code-copy" aria-label="Copy code">Copy</button><pre>""", StringComparison.Ordinal)
            .Replace("</pre>", "</pre></div>", StringComparison.Ordinal);
        return Sanitizer.Sanitize(html);
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedTags.Add("button");

        // A reply's images would make every reader's browser fetch any address a model was led to write (a way to
        // carry a conversation's content out through the URL): they are dropped, their text kept.
        sanitizer.AllowedTags.Remove("img");
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("aria-label");
        sanitizer.AllowedAttributes.Add("type");
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link)
            {
                link.SetAttribute("target", "_blank");
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        sanitizer.AllowedAttributes.Add("target");
        sanitizer.AllowedAttributes.Add("rel");
        return sanitizer;
    }
}
