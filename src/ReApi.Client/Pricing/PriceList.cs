using System.Collections.Frozen;
using ReApi.Client.Catalog;

namespace ReApi.Client.Pricing;

/// <summary>
/// The default price of every catalog model. Published figures are reAPI's 2026-07 snapshot (CONTRACT.md §5); the
/// rest are placeholders in the right unit, marked unpublished so an admin knows to check them against reAPI's
/// dashboard. The app seeds its editable price table from here; the sandbox charges by it.
/// </summary>
public static class PriceList
{
    private static readonly FrozenDictionary<string, PriceRule> Known = new Dictionary<string, PriceRule>
    {
        ["gpt-image-2"] = GptImage(),
        ["gpt-image-2-beta"] = GptImage(),
        ["gpt-image-2-official"] = GptImage() with { QuantityField = "n" },
        ["flux-2"] = Tiered(PriceUnit.Image, "resolution", ("1K", 27.5m), ("2K", 38.5m)) with { Published = true },
        ["doubao-seedream-5-0-lite"] = new PriceRule(PriceUnit.Image, 30.8m) { QuantityField = "n", Published = true },
        ["gemini-3.1-flash-image-preview"] = GeminiFlashImage(),
        ["gemini-3.1-flash-image-preview-official"] = GeminiFlashImage(),
        ["midjourney"] = new PriceRule(PriceUnit.Generation, 80),
        ["kling-3-0"] = Tiered(PriceUnit.VideoSecond, "mode", ("std", 84), ("pro", 112), ("4K", 224)),
        ["grok-imagine-1.0-video"] = Tiered(PriceUnit.VideoSecond, "quality", ("480p", 50), ("720p", 80)),
        ["gemini-omni"] = GeminiOmni(),
        ["gemini-omni-beta"] = GeminiOmni(),
        ["music-video-1-0"] = Tiered(PriceUnit.Generation, "resolution", ("540P", 300), ("720P", 450), ("1080P", 700)),
        ["topaz-video-upscaler"] = new PriceRule(PriceUnit.SourceMinute, 500),
        ["enhance-video-1.0"] = new PriceRule(PriceUnit.SourceMinute, 500),
        ["mureka-v9-song"] = new PriceRule(PriceUnit.Generation, 100) { QuantityField = "number_of_songs" },
        ["suno-music"] = new PriceRule(PriceUnit.Generation, 100),
        ["audio-stem-separator"] = new PriceRule(PriceUnit.SourceMinute, 200) { Published = true },
        ["audio-voice-change"] = new PriceRule(PriceUnit.SourceMinute, 200) { Published = true },
        ["audio-multistem"] = new PriceRule(PriceUnit.StemMinute, 200) { QuantityField = "stem_list", Published = true },
        ["ai-essay-writer"] = Tiered(PriceUnit.Essay, "length", ("Short", 50), ("Medium", 100), ("Long", 200)),
        ["humanize"] = new PriceRule(PriceUnit.Word, 0.1m) { QuantityField = "content" },
        ["ai-text-detector"] = new PriceRule(PriceUnit.Word, 0.02m) { QuantityField = "text" },
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The default rule for a model: its own entry, else a placeholder by what it makes.</summary>
    public static PriceRule For(ModelSpec model)
    {
        if (Known.TryGetValue(model.Id, out var known))
        {
            return known;
        }

        if (model.Id.StartsWith("doubao-seedance-2.0", StringComparison.Ordinal))
        {
            // 720p text-to-video is published ($0.1718/s); the other tiers scale with it.
            return Tiered(PriceUnit.VideoSecond, "resolution", ("480p", 80), ("720p", 171.8m), ("1080p", 386.6m), ("4k", 773.1m)) with { Published = true };
        }

        var count = new[] { "n", "sample_count" }.FirstOrDefault(name => model.Field(name) is not null);
        var tier = model.Field("resolution") is not null ? "resolution" : null;
        return model.Output switch
        {
            OutputKind.Image when model.Id.StartsWith("mj-v7", StringComparison.Ordinal) => new PriceRule(PriceUnit.Generation, 40),
            OutputKind.Image => new PriceRule(PriceUnit.Image, 30) { QuantityField = count, TierField = tier },
            OutputKind.Video when model.Field("duration") is not null => new PriceRule(PriceUnit.VideoSecond, 100) { QuantityField = count, TierField = tier },
            OutputKind.Video => new PriceRule(PriceUnit.Generation, 500) { QuantityField = count, TierField = tier },
            _ => new PriceRule(PriceUnit.Generation, 100),
        };
    }

    /// <summary>The price of one request at the default prices.</summary>
    public static PriceQuote Quote(ModelSpec model, System.Text.Json.Nodes.JsonObject body) => For(model).Quote(model, body);

    private static PriceRule GptImage() =>
        Tiered(PriceUnit.Image, "resolution", ("1k", 30), ("2k", 50), ("4k", 80)) with { Published = true };

    private static PriceRule GeminiFlashImage() =>
        Tiered(PriceUnit.Image, "resolution", ("0.5k", 31.5m), ("1k", 39), ("2k", 55), ("4k", 71.1m)) with { QuantityField = "n", Published = true };

    private static PriceRule GeminiOmni() =>
        Tiered(PriceUnit.Generation, "resolution", ("720p", 495), ("1080p", 990), ("4k", 1980)) with { Published = true };

    /// <summary>A rule whose base price is its first tier's.</summary>
    private static PriceRule Tiered(PriceUnit unit, string field, params (string Value, decimal Credits)[] tiers) =>
        new(unit, tiers[0].Credits)
        {
            TierField = field,
            Tiers = tiers.ToDictionary(t => t.Value, t => t.Credits, StringComparer.OrdinalIgnoreCase),
        };
}
