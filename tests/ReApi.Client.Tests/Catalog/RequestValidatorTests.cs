using System.Text.Json.Nodes;
using ReApi.Client.Catalog;

namespace ReApi.Client.Tests.Catalog;

public sealed class RequestValidatorTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    private static IReadOnlyList<RequestProblem> Validate(string json)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return RequestValidator.Validate(Catalog.Find(body["model"]!.GetValue<string>())!, body);
    }

    [Theory]
    [InlineData("gpt-image-2")]
    [InlineData("flux-2")]
    [InlineData("imagen-4-0")]
    public void The_foundation_image_models_are_in_the_catalog(string id)
    {
        var model = Catalog.Find(id);
        Assert.NotNull(model);
        Assert.Equal(ReApiEndpoint.Images, model.Endpoint);
        Assert.True(model.Field("prompt")!.Required);
    }

    [Fact]
    public void A_valid_request_has_no_problems()
    {
        Assert.Empty(Validate("""{"model":"gpt-image-2","prompt":"a cottage","size":"16:9","resolution":"2k","image_urls":["https://files.example.org/a.png"]}"""));
    }

    [Fact]
    public void A_missing_prompt_is_reported_as_missing()
    {
        var problem = Assert.Single(Validate("""{"model":"imagen-4-0","prompt":"  "}"""));
        Assert.Equal(("prompt", ProblemKind.Missing), (problem.Field, problem.Kind));
        Assert.Equal("Prompt is required.", problem.Message);
    }

    [Fact]
    public void A_too_long_prompt_says_the_limit_and_the_length()
    {
        var problem = Assert.Single(Validate($$"""{"model":"imagen-4-0","prompt":"{{new string('x', 4001)}}"}"""));
        Assert.Equal("Prompt must be at most 4000 characters (it has 4001).", problem.Message);
    }

    [Fact]
    public void Flux_prompts_need_three_characters()
    {
        Assert.Equal(ProblemKind.Invalid, Assert.Single(Validate("""{"model":"flux-2","prompt":"ab"}""")).Kind);
    }

    [Fact]
    public void An_enum_value_outside_the_list_is_refused_with_the_allowed_values()
    {
        var problem = Assert.Single(Validate("""{"model":"flux-2","prompt":"a fox","resolution":"1k"}"""));
        Assert.Equal("Resolution must be one of 1K, 2K.", problem.Message);
    }

    [Fact]
    public void Gpt_image_2_at_4k_needs_a_wide_size()
    {
        Assert.Equal("resolution", Assert.Single(Validate("""{"model":"gpt-image-2","prompt":"x","size":"1:1","resolution":"4k"}""")).Field);
        Assert.Empty(Validate("""{"model":"gpt-image-2","prompt":"x","size":"21:9","resolution":"4k"}"""));
    }

    [Fact]
    public void Flux_auto_aspect_ratio_needs_input_images()
    {
        Assert.Single(Validate("""{"model":"flux-2","prompt":"a fox","aspect_ratio":"auto"}"""));
        Assert.Empty(Validate("""{"model":"flux-2","prompt":"a fox","aspect_ratio":"auto","input_urls":["https://x.example/a.png"]}"""));
    }

    [Fact]
    public void Fields_the_model_does_not_have_are_refused()
    {
        var problem = Assert.Single(Validate("""{"model":"imagen-4-0","prompt":"x","n":2}"""));
        Assert.Equal(ProblemKind.Unknown, problem.Kind);
    }

    [Theory]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("ftp://files.example.org/a.png")]
    [InlineData("not a url")]
    public void Media_inputs_must_be_public_http_urls(string url)
    {
        var problem = Assert.Single(Validate($$"""{"model":"gpt-image-2","prompt":"x","image_urls":["{{url}}"]}"""));
        Assert.Equal("image_urls", problem.Field);
    }

    [Fact]
    public void Too_many_media_inputs_are_refused()
    {
        var urls = string.Join(",", Enumerable.Range(0, 9).Select(i => $"\"https://x.example/{i}.png\""));
        Assert.Contains("at most 8", Assert.Single(Validate($$"""{"model":"flux-2","prompt":"a fox","input_urls":[{{urls}}]}""")).Message, StringComparison.Ordinal);
    }
}
