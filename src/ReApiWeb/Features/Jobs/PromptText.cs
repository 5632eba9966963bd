namespace ReApiWeb.Features.Jobs;

/// <summary>A prompt (or title) cut to fit where it is shown.</summary>
public static class PromptText
{
    /// <summary>At most <paramref name="max"/> characters, the last one an ellipsis when the text was cut.</summary>
    public static string Shorten(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
