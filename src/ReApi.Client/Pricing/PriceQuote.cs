using System.Globalization;

namespace ReApi.Client.Pricing;

/// <summary>
/// What a request costs: <see cref="Quantity"/> units at <see cref="UnitCredits"/> each, rounded up to whole
/// <see cref="Credits"/>. <see cref="Estimated"/> is set when the quantity had to be assumed (a source's length).
/// </summary>
public sealed record PriceQuote(long Credits, decimal Quantity, decimal UnitCredits, PriceUnit Unit, string? Tier, bool Estimated, decimal? AssumedMinutes = null)
{
    /// <summary>What people are told when a price is a placeholder.</summary>
    public const string PlaceholderNote = "reAPI has not published this model's price and an admin has not set it yet, so this is a placeholder: the charge may differ.";

    /// <summary>The same, for a total over several models.</summary>
    public const string PlaceholderNoteForSome = "At least one of these models has a placeholder price (not published by reAPI, not set by an admin): the charge may differ.";

    /// <summary>Whether the unit price is a placeholder: neither reAPI's published figure nor one an admin set.</summary>
    public bool Placeholder { get; init; }

    /// <summary>How the figure was reached, for people: "2 images × 50 credits (2k)".</summary>
    public string Explanation
    {
        get
        {
            var tier = Tier is null ? "" : $" ({Tier})";
            var each = Format(UnitCredits);
            var text = Unit switch
            {
                PriceUnit.Image => $"{Format(Quantity)} image{Plural} × {each} credits{tier}",
                PriceUnit.VideoSecond => $"{Format(Quantity)} s × {each} credits/s{tier}",
                PriceUnit.Generation => $"{Format(Quantity)} generation{Plural} × {each} credits{tier}",
                PriceUnit.SourceMinute => $"{Format(Quantity)} min (assumed) × {each} credits/min",
                PriceUnit.StemMinute => $"{Format(Quantity / (AssumedMinutes ?? 1))} stem{(Quantity == AssumedMinutes ? "" : "s")} × {Format(AssumedMinutes ?? 1)} min (assumed) × {each} credits/min",
                PriceUnit.Essay => $"1 essay × {each} credits{tier}",
                PriceUnit.Word => $"{Format(Quantity)} words × {each} credits/word",
                _ => $"{Format(Quantity)} × {each} credits",
            };
            return Estimated ? text + "; reAPI bills the source's real length" : text;
        }
    }

    private string Plural => Quantity == 1 ? "" : "s";

    private static string Format(decimal value) => value.ToString("#,0.####", CultureInfo.InvariantCulture);
}
