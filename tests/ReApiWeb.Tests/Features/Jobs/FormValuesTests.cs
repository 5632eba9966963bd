using ReApi.Client.Catalog;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class FormValuesTests
{
    [Fact]
    public void Defaults_come_from_the_catalog()
    {
        var values = FormValues.Defaults(ModelCatalog.Default.Find("flux-2")!);
        Assert.Equal("1:1", values["aspect_ratio"]);
        Assert.Equal("1K", values["resolution"]);
        Assert.Equal(true, values["nsfw_checker"]);
        Assert.Equal("", values["prompt"]);
    }

    [Fact]
    public void Empty_fields_are_left_out_and_url_lists_become_arrays()
    {
        var model = ModelCatalog.Default.Find("gpt-image-2")!;
        var values = FormValues.Defaults(model);
        values["prompt"] = "  a fox  ";
        values["image_urls"] = "https://x.example/a.png\n\n https://x.example/b.png ";

        var body = FormValues.ToJson(model, values);

        Assert.Equal("""{"prompt":"  a fox  ","size":"1:1","resolution":"1k","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""", body.ToJsonString());
    }

    [Fact]
    public void Untouched_switches_without_a_documented_default_are_not_sent()
    {
        var model = ModelCatalog.Default.Models.First(m => m.Fields.Any(f => f.Type == FieldType.Boolean && f.Default is null));
        var values = FormValues.Defaults(model);
        foreach (var (name, value) in model.Example)
        {
            values[name] = value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? text) ? text : value?.ToJsonString();
        }

        var body = FormValues.ToJson(model, values);

        Assert.All(model.Fields.Where(f => f.Type == FieldType.Boolean && f.Default is null && !model.Example.ContainsKey(f.Name)),
            f => Assert.False(body.ContainsKey(f.Name), f.Name));
    }
}

public sealed class FormCarryTests
{
    private static ModelSpec Model(string id) => ModelCatalog.Default.Find(id)!;

    [Fact]
    public void Switching_model_keeps_the_prompt_and_every_field_the_new_model_shares()
    {
        var values = FormValues.Defaults(Model("gpt-image-2"));
        values["prompt"] = "a fox in the snow";
        values["size"] = "16:9";
        values["image_urls"] = "https://x.example/a.png";

        var carried = FormValues.Carry(Model("gpt-image-2"), values, Model("gpt-image-2-official"));

        Assert.Equal("a fox in the snow", carried["prompt"]);
        Assert.Equal("16:9", carried["size"]);
        Assert.Equal("https://x.example/a.png", carried["image_urls"]);
    }

    [Fact]
    public void A_value_the_new_model_does_not_offer_falls_back_to_its_default()
    {
        var values = FormValues.Defaults(Model("gpt-image-2"));
        values["prompt"] = "a fox";
        values["resolution"] = "4k";
        var flux = Model("flux-2");

        var carried = FormValues.Carry(Model("gpt-image-2"), values, flux);

        Assert.Equal("a fox", carried["prompt"]);
        Assert.Equal(FormValues.Defaults(flux)["resolution"], carried["resolution"]);
    }

    [Fact]
    public void The_prompt_goes_into_a_text_tools_main_field()
    {
        var values = FormValues.Defaults(Model("gpt-image-2"));
        values["prompt"] = "Rewrite me";

        var carried = FormValues.Carry(Model("gpt-image-2"), values, Model("humanize"));

        Assert.Equal("Rewrite me", carried[Model("humanize").MainField!.Name]);
    }

    [Fact]
    public void A_stored_request_fills_the_form_back_exactly()
    {
        var model = Model("gpt-image-2");
        var values = FormValues.Defaults(model);
        values["prompt"] = "a fox";
        values["size"] = "16:9";
        values["image_urls"] = "https://x.example/a.png\nhttps://x.example/b.png";
        var body = FormValues.ToJson(model, values);

        var back = FormValues.FromRequest(model, body);

        Assert.Equal(body.ToJsonString(), FormValues.ToJson(model, back).ToJsonString());
    }
}

public sealed class FormLayoutTests
{
    [Theory]
    [InlineData("CompareAndContrast", "Compare and contrast")]
    [InlineData("deep_extraction", "Deep extraction")]
    [InlineData("HighSchool", "High school")]
    [InlineData("high_variation", "High variation")]
    [InlineData("General Writing", "General writing")]
    [InlineData("16:9", "16:9")]
    [InlineData("1080p", "1080p")]
    [InlineData("4k", "4K")]
    [InlineData("mp3", "MP3")]
    [InlineData("std", "Standard")]
    [InlineData("auto", "Auto")]
    public void Option_labels_are_human(string option, string label) => Assert.Equal(label, FormLayout.OptionLabel(option));

    [Fact]
    public void Rare_fields_are_advanced_and_required_ones_never()
    {
        var catalog = ModelCatalog.Default;
        Assert.True(FormLayout.IsAdvanced(catalog.Models.SelectMany(m => m.Fields).First(f => f.Name == "seed")));
        Assert.True(FormLayout.IsAdvanced(catalog.Models.SelectMany(m => m.Fields).First(f => f.Type == FieldType.Json && !f.Required)));
        Assert.False(FormLayout.IsAdvanced(catalog.Find("flux-2")!.Field("prompt")!));
        Assert.False(FormLayout.IsAdvanced(catalog.Find("flux-2")!.Field("aspect_ratio")!));
        Assert.All(catalog.Models.SelectMany(m => m.Fields).Where(f => f.Required), f => Assert.False(FormLayout.IsAdvanced(f), f.Name));
    }
}
