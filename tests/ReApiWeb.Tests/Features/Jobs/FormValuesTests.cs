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
}
