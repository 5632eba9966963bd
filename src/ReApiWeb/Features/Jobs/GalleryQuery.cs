using System.Globalization;
using ReApi.Client.Catalog;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>How a gallery shows its jobs.</summary>
public enum GalleryView
{
    Grid,
    List,
}

/// <summary>
/// A gallery's state as it travels in its address (<c>?q=fox&amp;kind=image&amp;page=2</c>), so a search can be
/// bookmarked, shared, reloaded, and submitted as a plain form before the page is interactive.
/// Values that make no sense are ignored and named in <see cref="Problems"/>.
/// </summary>
public sealed record GalleryQuery(GalleryFilter Filter, GalleryView View, int Page, IReadOnlyList<string> Problems)
{
    /// <summary>The job shown in the lightbox over the gallery (<c>?open=</c>).</summary>
    public Guid? Open { get; init; }

    public const int PageSize = 48;

    public static GalleryQuery Parse(JobScope scope, ModelCatalog catalog, string? q, string? kind, string? model, string? status, string? person, string? from, string? to, string? fav, string? view, int? page)
    {
        var problems = new List<string>();
        T? Read<T>(string? text, string name, Func<string, T?> parse) where T : struct
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var value = parse(text.Trim());
            if (value is null)
            {
                problems.Add($"\"{text}\" is not a {name}; that filter was left out.");
            }

            return value;
        }

        var filter = new GalleryFilter(scope)
        {
            Search = string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            Kind = Read(kind, "kind of output", t => Enum.TryParse<OutputKind>(t, ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : (OutputKind?)null),
            Model = string.IsNullOrWhiteSpace(model) ? null : catalog.Find(model.Trim())?.Id ?? Unknown(problems, model),
            Status = Read(status, "status", t => Enum.TryParse<JobStatusFilter>(t, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : (JobStatusFilter?)null),
            Person = scope == JobScope.Team ? Read(person, "person", t => Guid.TryParse(t, out var id) ? id : (Guid?)null) : null,
            From = Read(from, "date (yyyy-mm-dd)", Date),
            To = Read(to, "date (yyyy-mm-dd)", Date),
            Favourites = fav is "1" or "true" or "on",
        };
        var shown = string.Equals(view, "list", StringComparison.OrdinalIgnoreCase) ? GalleryView.List : GalleryView.Grid;
        return new GalleryQuery(filter, shown, Math.Max(1, page ?? 1), problems);
    }

    /// <summary>
    /// The address of this gallery at <paramref name="basePath"/>, on another page or in another view (page 1 unless
    /// given), with a job open in the lightbox or none.
    /// </summary>
    public string Link(string basePath, int? page = null, GalleryView? view = null, Guid? open = null)
    {
        var parameters = new List<(string, string)>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add((name, value));
            }
        }

        Add("q", Filter.Search);
        Add("kind", Filter.Kind?.ToString().ToLowerInvariant());
        Add("model", Filter.Model);
        Add("status", Filter.Status?.ToString().ToLowerInvariant());
        Add("person", Filter.Person?.ToString());
        Add("from", Filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", Filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("fav", Filter.Favourites ? "1" : null);
        Add("view", (view ?? View) == GalleryView.List ? "list" : null);
        Add("page", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null);
        Add("open", open?.ToString());
        return parameters.Count == 0 ? basePath : basePath + "?" + string.Join("&", parameters.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
    }

    private static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string? Unknown(List<string> problems, string model)
    {
        problems.Add($"There is no model \"{model}\"; that filter was left out.");
        return null;
    }
}
