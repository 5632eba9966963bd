using System.Text.Json.Nodes;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;

namespace ReApi.Client.Tests.Pricing;

public sealed class PriceListTests
{
    private static PriceQuote Quote(string model, JsonObject body) => PriceList.Quote(ModelCatalog.Default.Find(model)!, body);

    [Fact]
    public void Images_are_priced_per_image_by_resolution_tier_and_count()
    {
        Assert.Equal(30, Quote("gpt-image-2", new() { ["prompt"] = "x" }).Credits);
        Assert.Equal(50, Quote("gpt-image-2", new() { ["prompt"] = "x", ["resolution"] = "2k" }).Credits);
        var quote = Quote("gpt-image-2-official", new() { ["prompt"] = "x", ["resolution"] = "4k", ["n"] = 3 });
        Assert.Equal(240, quote.Credits);
        Assert.Equal("3 images × 80 credits (4k)", quote.Explanation);
    }

    [Fact]
    public void Fractional_prices_round_up_to_whole_credits_only_once_per_job()
    {
        Assert.Equal(28, Quote("flux-2", new() { ["prompt"] = "x" }).Credits);
        Assert.Equal(124, Quote("doubao-seedream-5-0-lite", new() { ["prompt"] = "x", ["n"] = 4 }).Credits);
    }

    [Fact]
    public void Video_is_priced_per_second_of_the_chosen_tier_and_auto_length_counts_as_the_longest()
    {
        var quote = Quote("doubao-seedance-2.0", new() { ["prompt"] = "x", ["duration"] = 10 });
        Assert.Equal(1718, quote.Credits);
        Assert.Equal("10 s × 171.8 credits/s (720p)", quote.Explanation);
        Assert.Equal(30 * 100, Quote("doubao-seedance-2.5-face", new() { ["prompt"] = "x", ["duration"] = -1 }).Credits);
        Assert.Equal(2 * 8 * 100, Quote("veo3.1-fast-official", new() { ["prompt"] = "x", ["sample_count"] = 2 }).Credits);
        Assert.Equal(5 * 100, Quote("kling-3-0-turbo-beta", new() { ["prompt"] = "x" }).Credits); // no duration, no default: 5 s
    }

    [Fact]
    public void Tier_values_match_ignoring_case()
    {
        var rule = PriceList.For(ModelCatalog.Default.Find("kling-3-0")!);
        Assert.Equal(224, rule.PriceFor("4k"));
        Assert.Equal(rule.Credits, rule.PriceFor("unknown"));
    }

    [Fact]
    public void Minute_billed_tools_assume_a_source_length_and_say_so()
    {
        var quote = Quote("audio-multistem", new() { ["audio_url"] = "https://cdn.example.com/a.mp3", ["stem_list"] = new JsonArray("vocals", "drum", "bass") });
        Assert.True(quote.Estimated);
        Assert.Equal(3 * 3 * 200, quote.Credits);
        Assert.Equal("3 stems × 3 min (assumed) × 200 credits/min; reAPI bills the source's real length", quote.Explanation);
    }

    [Fact]
    public void Text_tools_are_priced_per_essay_length_or_per_word()
    {
        Assert.Equal(200, Quote("ai-essay-writer", new() { ["input"] = "x", ["length"] = "Long" }).Credits);
        var words = string.Join(' ', Enumerable.Repeat("word", 1001));
        Assert.Equal(101, Quote("humanize", new() { ["content"] = words }).Credits);
        Assert.Equal(1001, Quote("humanize", new() { ["content"] = words }).Quantity);
    }

    [Fact]
    public void Every_catalog_model_has_a_positive_price_for_its_example()
    {
        foreach (var model in ModelCatalog.Default.Models)
        {
            var body = (JsonObject)model.Example.DeepClone();
            body["model"] = model.Id;
            Assert.True(PriceList.Quote(model, body).Credits > 0, model.Id);
        }
    }
}
