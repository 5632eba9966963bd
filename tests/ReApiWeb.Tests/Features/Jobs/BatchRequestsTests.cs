using ReApi.Client.Catalog;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class BatchRequestsTests
{
    private static readonly ModelSpec Model = ModelCatalog.Default.Find("gpt-image-2")!;

    [Fact]
    public void Each_pasted_line_is_a_prompt_with_the_forms_settings()
    {
        var settings = FormValues.Defaults(Model);
        settings["size"] = "16:9";

        var (requests, problems) = BatchRequests.FromLines(Model, settings, "a fox\n\n  a hare  \r\na crow");

        Assert.Empty(problems);
        Assert.Equal(["a fox", "a hare", "a crow"], requests.Select(r => (string)r.Parameters["prompt"]!));
        Assert.All(requests, r => Assert.Equal("16:9", (string)r.Parameters["size"]!));
        Assert.Equal(3, requests.Select(r => r.SubmissionKey).Distinct().Count());
    }

    [Fact]
    public void A_csv_sets_one_field_a_column_with_quotes_and_line_breaks()
    {
        const string csv = "prompt,size\n\"a fox, in snow\",16:9\n\"two\nlines\",\n\"say \"\"hi\"\"\",9:16\n";

        var (requests, problems) = BatchRequests.FromCsv(Model, FormValues.Defaults(Model), csv);

        Assert.Empty(problems);
        Assert.Equal(["a fox, in snow", "two\nlines", "say \"hi\""], requests.Select(r => (string)r.Parameters["prompt"]!));
        Assert.Equal(["16:9", "1:1", "9:16"], requests.Select(r => (string)r.Parameters["size"]!));
    }

    [Fact]
    public void A_column_that_is_not_a_field_is_named()
    {
        var (_, problems) = BatchRequests.FromCsv(Model, FormValues.Defaults(Model), "prompt,colour\na fox,red");

        Assert.Equal(["Column “colour” is not a field of GPT Image 2."], problems);
    }
}
