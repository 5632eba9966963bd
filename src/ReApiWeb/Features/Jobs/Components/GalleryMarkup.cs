using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs.Components;

/// <summary>
/// The gallery's tiles and rows as ready HTML, one markup frame each instead of some forty: an open gallery is held
/// by its circuit for as long as the page is open, and its render tree was most of what a circuit cost (the circuit
/// benchmark: 620 KB a circuit before, see the README). Tiles carry no event handlers: a tile is a link that opens the
/// lightbox through the address (<c>?open=</c>), which also works before the page is interactive. The tile's or row's
/// own element is the gallery's, keyed by job: a new job at the top inserts one tile in every open page instead of
/// rewriting all of them, and an unchanged tile's markup (the same string) costs its browser nothing.
/// Every text and attribute goes through <see cref="HtmlEncoder"/>.
/// </summary>
public static class GalleryMarkup
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>What goes inside a tile's <c>li</c>.</summary>
    public static MarkupString Tile(JobSummary job, string href, string modelName, bool teamScope, OutputKind? kind)
    {
        var html = new StringBuilder(700);
        html.Append("<a class=\"tile-link\" href=\"").Append(Html.Encode(href)).Append("\">")
            .Append("<div class=\"tile-media tile-").Append(job.Status.ToString().ToLowerInvariant()).Append("\">");
        if (job.Cover?.ThumbnailUrl is { } thumbnail)
        {
            html.Append("<img src=\"").Append(thumbnail).Append("\" alt=\"\" loading=\"lazy\" decoding=\"async\" />");
        }
        else if (job.TextPreview is { } text)
        {
            html.Append("<p class=\"tile-text\">").Append(Html.Encode(text)).Append("</p>");
        }
        else
        {
            html.Append("<span class=\"tile-poster\" aria-hidden=\"true\">").Append(Poster(job.Status, kind)).Append("</span>");
        }

        if (job.OutputCount > 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"tile-badge tile-count\" title=\"{job.OutputCount} outputs\">×{job.OutputCount}</span>");
        }

        if (job.Status != JobStatus.Completed)
        {
            html.Append("<span class=\"tile-badge tile-state\" data-status=\"").Append(job.Status).Append("\">").Append(job.Status).Append("</span>");
        }

        if (job.Favourite)
        {
            html.Append("<span class=\"tile-badge tile-star\" title=\"Starred\">★</span>");
        }

        html.Append("</div><div class=\"tile-meta\"><span class=\"tile-model\">").Append(Html.Encode(modelName)).Append("</span>");
        html.Append(teamScope
            ? $"<span class=\"tile-owner\">{Html.Encode(job.OwnerName)}</span>"
            : $"<span class=\"tile-cost\" data-testid=\"tile-cost\">{Html.Encode(job.Cost.Brief())}</span>");
        html.Append("</div><div class=\"tile-prompt\">").Append(Html.Encode(job.Prompt)).Append("</div></a>");
        return new MarkupString(html.ToString());
    }

    /// <summary>What goes inside a row's <c>tr</c>.</summary>
    public static MarkupString Row(JobSummary job, string href, string modelName, bool teamScope)
    {
        var html = new StringBuilder(500);
        html.Append("<td><span class=\"status-badge\" data-status=\"").Append(job.Status).Append("\">").Append(job.Status).Append("</span></td>");
        if (teamScope)
        {
            html.Append("<td>").Append(Html.Encode(job.OwnerName)).Append("</td>");
        }

        html.Append("<td>").Append(Html.Encode(modelName)).Append("</td><td><a href=\"").Append(Html.Encode(href)).Append("\">")
            .Append(Html.Encode(job.Prompt.Length <= 90 ? job.Prompt : job.Prompt[..87] + "…")).Append("</a></td>");
        if (!teamScope)
        {
            html.Append("<td>").Append(Html.Encode(job.Cost.Describe())).Append("</td>");
        }

        html.Append("<td>").Append(job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td>");
        return new MarkupString(html.ToString());
    }

    /// <summary>A select's options, the chosen one marked.</summary>
    public static MarkupString Options(string emptyLabel, IEnumerable<(string Value, string Label)> options, string? chosen)
    {
        var html = new StringBuilder("<option value=\"\">").Append(Html.Encode(emptyLabel)).Append("</option>");
        foreach (var (value, label) in options)
        {
            html.Append("<option value=\"").Append(Html.Encode(value)).Append('"').Append(value == chosen ? " selected" : "").Append('>').Append(Html.Encode(label)).Append("</option>");
        }

        return new MarkupString(html.ToString());
    }

    private static string Poster(JobStatus status, OutputKind? kind) => status switch
    {
        JobStatus.Completed => kind switch
        {
            OutputKind.Video => "▶",
            OutputKind.Audio => "♪",
            OutputKind.Text => "¶",
            _ => "▣",
        },
        JobStatus.Failed or JobStatus.Rejected or JobStatus.Cancelled => "✕",
        JobStatus.Unconfirmed or JobStatus.Stalled => "!",
        _ => "…",
    };
}
