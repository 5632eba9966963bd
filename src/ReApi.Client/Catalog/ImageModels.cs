using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Image models (<c>POST /images/generations</c>, output <c>image_urls</c>), from CONTRACT §3.1.</summary>
internal static class ImageModels
{
    private static readonly string[] WideSizes = ["16:9", "9:16", "2:1", "1:2", "21:9", "9:21"];

    public static IEnumerable<ModelSpec> All()
    {
        yield return GptImage2("gpt-image-2", "GPT Image 2");
        yield return GptImage2("gpt-image-2-beta", "GPT Image 2 (beta)");
        yield return Flux2("flux-2", "FLUX.2");
        yield return Flux2("flux-2-flex", "FLUX.2 Flex");
        yield return new ModelSpec("imagen-4-0", "Imagen 4", "Imagen", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            Fields.Choice("size", "Aspect ratio", "16:9", "1:1", "4:3", "3:4", "16:9", "9:16"),
        ])
        {
            Description = "Google Imagen 4: one image per job, text to image only.",
            TypicalDuration = TimeSpan.FromSeconds(15),
        };
        yield return new ModelSpec("z-image", "Z-Image", "Z-Image", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(1000),
            Fields.Choice("aspect_ratio", "Aspect ratio", "1:1", "1:1", "4:3", "3:4", "16:9", "9:16"),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
        ])
        {
            Description = "Fast text-to-image model.",
            TypicalDuration = TimeSpan.FromSeconds(10),
        };
    }

    private static ModelSpec GptImage2(string id, string name) =>
        new(id, name, "GPT Image", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            Fields.Choice("size", "Aspect ratio", "1:1", "auto", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "5:4", "4:5", "2:1", "1:2", "21:9", "9:21"),
            Fields.Choice("resolution", "Resolution", "1k", "1k", "2k", "4k"),
            Fields.Urls("image_urls", "Reference images", 16, "Optional: up to 16 public image URLs for image-to-image."),
        ])
        {
            Description = "OpenAI's image model: text to image, or image to image with references. One image per job.",
            TypicalDuration = TimeSpan.FromSeconds(30),
            Rules =
            [
                new CrossFieldRule("resolution", $"4k needs a wide aspect ratio ({string.Join(", ", WideSizes)}).",
                    body => Text(body, "resolution") != "4k" || WideSizes.Contains(Text(body, "size") ?? "1:1")),
            ],
        };

    private static ModelSpec Flux2(string id, string name) =>
        new(id, name, "FLUX", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(5000, minLength: 3),
            Fields.Choice("aspect_ratio", "Aspect ratio", "1:1", "1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3", "auto"),
            Fields.Choice("resolution", "Resolution", "1K", "1K", "2K"),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            Fields.Urls("input_urls", "Input images", 8, "Optional: up to 8 public image URLs to edit or combine."),
        ])
        {
            Description = "Black Forest Labs FLUX.2: text to image and multi-reference editing.",
            TypicalDuration = TimeSpan.FromSeconds(20),
            Rules =
            [
                new CrossFieldRule("aspect_ratio", "The aspect ratio 'auto' needs at least one input image.",
                    body => Text(body, "aspect_ratio") != "auto" || body["input_urls"] is JsonArray { Count: > 0 }),
            ],
        };

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
