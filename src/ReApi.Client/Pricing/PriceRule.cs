using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReApi.Client.Catalog;

namespace ReApi.Client.Pricing;

/// <summary>What reAPI bills a model by (CONTRACT.md §5).</summary>
public enum PriceUnit
{
    /// <summary>Per image, times <c>n</c> where the model takes it.</summary>
    Image,

    /// <summary>Per second of video, times the number of samples; the price depends on the resolution tier.</summary>
    VideoSecond,

    /// <summary>A flat price per generation (times songs or samples where the model makes several).</summary>
    Generation,

    /// <summary>Per started minute of the source audio or video.</summary>
    SourceMinute,

    /// <summary>Per minute of source for each stem asked for.</summary>
    StemMinute,

    /// <summary>Per essay, by its length.</summary>
    Essay,

    /// <summary>Per word of the submitted text.</summary>
    Word,
}

/// <summary>
/// How one model is priced, in credits (1 credit = $0.001). <see cref="Credits"/> is the base price of one unit;
/// <see cref="Tiers"/> replace it for particular values of <see cref="TierField"/> (a resolution, quality, mode or length).
/// </summary>
public sealed record PriceRule(PriceUnit Unit, decimal Credits)
{
    /// <summary>The request field whose value picks a tier price; its values are compared ignoring case.</summary>
    public string? TierField { get; init; }

    public IReadOnlyDictionary<string, decimal> Tiers { get; init; } = new Dictionary<string, decimal>();

    /// <summary>
    /// The field that sets the quantity: the count multiplying an image, video or generation price (<c>n</c>,
    /// <c>sample_count</c>, <c>number_of_songs</c>), the text counted by words, or the list of stems.
    /// </summary>
    public string? QuantityField { get; init; }

    /// <summary>For minute-billed tools: the source length assumed, since the request carries only its URL.</summary>
    public decimal AssumedMinutes { get; init; } = 3;

    /// <summary>True when the figures are reAPI's published prices; false for a placeholder an admin should check.</summary>
    public bool Published { get; init; }

    /// <summary>The unit price for a tier value (or the base price when the value has no tier of its own).</summary>
    public decimal PriceFor(string? tier) =>
        tier is not null && Tiers.FirstOrDefault(t => string.Equals(t.Key, tier, StringComparison.OrdinalIgnoreCase)) is { Key: not null } match
            ? match.Value
            : Credits;

    /// <summary>What this request costs under this rule: the quantity times the tier's price, rounded up to whole credits.</summary>
    public PriceQuote Quote(ModelSpec model, JsonObject body)
    {
        var tier = TierField is null ? null : ValueText(model, body, TierField);
        var unitCredits = PriceFor(tier);
        var count = QuantityField is null ? 1 : Math.Clamp(Number(model, body, QuantityField) ?? 1, 1, 10_000);
        var (quantity, estimated) = Unit switch
        {
            PriceUnit.VideoSecond => (Seconds(model, body) * count, false),
            PriceUnit.SourceMinute => (AssumedMinutes, true),
            PriceUnit.StemMinute => (AssumedMinutes * Math.Max(1, Body.Count(body, QuantityField ?? "stem_list")), true),
            PriceUnit.Word => ((decimal)Body.Words(body, QuantityField ?? "text"), false),
            PriceUnit.Essay => (1m, false),
            _ => ((decimal)count, false),
        };
        var credits = (long)Math.Ceiling(quantity * unitCredits);
        return new PriceQuote(credits, quantity, unitCredits, Unit, Tiers.Count > 0 ? tier : null, estimated, estimated ? AssumedMinutes : null) { Placeholder = !Published };
    }

    /// <summary>
    /// The seconds a video request asks for: its <c>duration</c> (or the field's default); "auto" (≤ 0) counts as the
    /// longest; left out with no default, 5 s (reAPI's usual default) within the field's range.
    /// </summary>
    private static decimal Seconds(ModelSpec model, JsonObject body)
    {
        var seconds = Number(model, body, "duration");
        var field = model.Field("duration");
        return seconds switch
        {
            > 0 => Math.Min(seconds.Value, 100_000),
            not null when field?.Max is { } max => (decimal)max,
            _ => Math.Clamp(5, (decimal)(field?.Min ?? 1), (decimal)(field?.Max ?? 5)),
        };
    }

    /// <summary>A number field's value (or its default), read from a JSON number or a numeric string like "8s".</summary>
    private static decimal? Number(ModelSpec model, JsonObject body, string name)
    {
        if ((body[name] ?? model.Field(name)?.Default) is not JsonValue value)
        {
            return null;
        }

        var text = value.GetValueKind() == JsonValueKind.Number ? value.ToJsonString()
            : value.TryGetValue(out string? s) ? s.TrimEnd('s')
            : null;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    private static string? ValueText(ModelSpec model, JsonObject body, string name) =>
        (body[name] ?? model.Field(name)?.Default) is JsonValue v && v.TryGetValue(out string? text) ? text : null;
}
