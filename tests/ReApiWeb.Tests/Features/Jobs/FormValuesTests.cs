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
