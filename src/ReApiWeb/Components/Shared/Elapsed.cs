namespace ReApiWeb.Components.Shared;

/// <summary>
/// A length of time as people say it: "42 s", "3 min 05 s", "2 h 07 min". app.js writes the same form while a job
/// runs (<c>time[data-elapsed-seconds]</c>), so the server's first text and the browser's ticking agree.
/// </summary>
public static class Elapsed
{
    public static string Describe(TimeSpan span)
    {
        var seconds = Math.Max(0, (long)span.TotalSeconds);
        return seconds switch
        {
            < 60 => $"{seconds} s",
            < 3600 => $"{seconds / 60} min {seconds % 60:00} s",
            _ => $"{seconds / 3600} h {seconds / 60 % 60:00} min",
        };
    }
}
