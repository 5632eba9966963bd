using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Text tools (<c>/essay</c>, <c>/humanize</c>, <c>/detect</c>; the output shape is undocumented), from CONTRACT §3.4.</summary>
internal static class TextModels
{
    private const int DetectorWordLimit = 30_000;

    private const string Draft =
        "Remote work has changed how teams communicate. Meetings moved online, documents became the main record of decisions, and people had to learn to write clearly for colleagues they rarely see.";

    public static IEnumerable<ModelSpec> All()
    {
        yield return new ModelSpec("ai-essay-writer", "AI Essay Writer", "Text tools", ReApiEndpoint.Essay, OutputKind.Text,
        [
            Fields.Text("input", "Topic", required: true, multiline: true) with { MinLength = 1 },
            Fields.Options("type", "Essay type", "Descriptive", "Narrative", "Persuasive", "Analytical", "CompareAndContrast") with { Required = true },
            Fields.Options("academic_level", "Academic level", "HighSchool", "University", "Doctorate") with { Required = true },
            Fields.Options("length", "Length", "Short", "Medium", "Long") with { Required = true },
            Fields.Toggle("humanized", "Humanized", false),
            Fields.Text("model_version", "Model version") with { Default = JsonValue.Create("v2") },
        ])
        {
            Description = "Writes an essay on a topic for a chosen type, academic level and length; priced per essay by length.",
            TypicalDuration = TimeSpan.FromSeconds(60),
            Example = new() { ["input"] = "The causes and consequences of the Industrial Revolution", ["type"] = "Analytical", ["academic_level"] = "University", ["length"] = "Short" },
        };
        yield return new ModelSpec("humanize", "Humanizer", "Text tools", ReApiEndpoint.Humanize, OutputKind.Text,
        [
            Fields.Text("content", "Text", required: true, multiline: true) with { MinLength = 50, Help = "At least 50 characters." },
            Fields.Options("readability", "Readability", "High School", "University", "Doctorate", "Journalist", "Marketing") with { Required = true },
            Fields.Options("purpose", "Purpose", "General Writing", "Essay", "Article", "Marketing Material", "Story", "Cover Letter", "Report", "Business Material", "Legal Material") with { Required = true },
            Fields.Choice("strength", "Strength", "Balanced", "Quality", "Balanced", "More Human"),
            Fields.Choice("model_version", "Model version", "v2", "v2", "v11", "v11sr"),
        ])
        {
            Description = "Rewrites AI-sounding text so it reads as human-written, for a chosen readability and purpose; billed per word.",
            TypicalDuration = TimeSpan.FromSeconds(30),
            Example = new() { ["content"] = Draft, ["readability"] = "University", ["purpose"] = "Article" },
        };
        yield return new ModelSpec("ai-text-detector", "AI Text Detector", "Text tools", ReApiEndpoint.Detect, OutputKind.Text,
        [
            Fields.Text("text", "Text", required: true, multiline: true) with { MinLength = 1, Help = "Up to 30,000 words." },
        ])
        {
            Description = "Scores how likely a text is AI-written (0–100) with sub-scores per engine; billed per word.",
            TypicalDuration = TimeSpan.FromSeconds(20),
            Example = new() { ["text"] = Draft },
            Rules =
            [
                new CrossFieldRule("text", "The text must be at most 30,000 words.",
                    body => Body.Words(body, "text") <= DetectorWordLimit),
            ],
        };
    }
}
