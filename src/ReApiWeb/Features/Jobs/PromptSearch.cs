using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Finds jobs by the words of their prompt. On SQLite the words go through an FTS5 index (<c>JobSearch</c>, kept by
/// triggers on <c>Jobs</c>; see the <c>Gallery</c> migration), so a search stays fast at 100,000 jobs; each word
/// matches itself or a longer word it starts with, case and accents ignored, and every word must be there.
/// </summary>
public static class PromptSearch
{
    /// <summary>The most words a search looks for; the rest are ignored.</summary>
    public const int MaxWords = 12;

    public static IQueryable<Job> Apply(AppDbContext db, IQueryable<Job> jobs, string? search)
    {
        var words = Words(search);
        if (words.Count == 0)
        {
            return jobs;
        }

        if (db.Database.IsSqlite())
        {
            var match = MatchExpression(words);
            var found = db.Database.SqlQuery<Guid>($"SELECT JobId AS Value FROM JobSearch WHERE JobSearch MATCH {match}");
            return jobs.Where(j => found.Contains(j.Id));
        }

        foreach (var word in words)
        {
            var pattern = "%" + word.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            jobs = jobs.Where(j => EF.Functions.Like(j.Prompt.ToLower(), pattern, "\\"));
        }

        return jobs;
    }

    /// <summary>The words of a search: runs of letters and digits, lower-cased, without repeats.</summary>
    public static IReadOnlyList<string> Words(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return [];
        }

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in search.Normalize(NormalizationForm.FormC) + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
            else if (word.Length > 0)
            {
                var text = word.ToString();
                if (!words.Contains(text))
                {
                    words.Add(text);
                }

                word.Clear();
            }
        }

        return words.Take(MaxWords).ToList();
    }

    /// <summary>An FTS5 query in which every word is a quoted prefix, so nothing a person types is read as FTS5 syntax.</summary>
    public static string MatchExpression(IReadOnlyList<string> words) =>
        string.Join(" ", words.Select(w => "\"" + w.Replace("\"", "\"\"") + "\"*"));
}
