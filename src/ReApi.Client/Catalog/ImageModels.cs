using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Image models (<c>POST /images/generations</c>, output <c>image_urls</c>), from CONTRACT §3.1.</summary>
internal static class ImageModels
{
    private const string Photo = "https://files.example.org/in/photo.jpg";

    private const string EarlierTask = "task_01k9s419324drezfbwnsvxyr6h";

    private static readonly string[] WideSizes = ["16:9", "9:16", "2:1", "1:2", "21:9", "9:21"];

    private static readonly string[] GptSizes = ["auto", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "5:4", "4:5", "2:1", "1:2", "21:9", "9:21"];

    private static readonly string[] GeminiSizes = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];

    private static readonly string[] MidjourneyFollowUps = ["upscale", "variation", "high_variation", "low_variation", "reroll", "zoom", "pan", "remix_strong", "remix_subtle"];

    public static IEnumerable<ModelSpec> All()
    {
        yield return GptImage2("gpt-image-2", "GPT Image 2");
        yield return GptImage2("gpt-image-2-beta", "GPT Image 2 (beta)");
        yield return GptImage2Official();
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

        foreach (var official in new[] { false, true })
        {
            yield return GeminiImage("gemini-2.5-flash-image-preview", "Gemini 2.5 Flash Image", official, 2000, GeminiSizes, ["1k"], search: false,
                "Google's Gemini 2.5 Flash Image (Nano Banana): text to image and editing with up to 14 references, 1k output.", 15);
            yield return GeminiImage("gemini-3-pro-image-preview", "Gemini 3 Pro Image", official, 4000, GeminiSizes, ["1k", "2k", "4k"], search: false,
                "Google's Gemini 3 Pro Image: generation and editing up to 4k with up to 14 references.", 30);
            yield return GeminiImage("gemini-3.1-flash-image-preview", "Gemini 3.1 Flash Image", official, 4000, [.. GeminiSizes, "1:4", "4:1", "1:8", "8:1"], ["0.5k", "1k", "2k", "4k"], search: true,
                "Google's Gemini 3.1 Flash Image: 0.5k to 4k, extreme aspect ratios and optional Google Search grounding.", 20);
        }

        yield return new ModelSpec("nano-banana-2-lite", "Nano Banana 2 Lite", "Gemini", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(20000),
            Fields.Choice("aspect_ratio", "Aspect ratio", "auto", "1:1", "1:4", "1:8", "2:3", "3:2", "3:4", "4:1", "4:3", "4:5", "5:4", "8:1", "9:16", "16:9", "21:9", "auto"),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 10, "Optional: up to 10 public image URLs to edit or combine."),
        ])
        {
            Description = "Light Nano Banana 2: prompts up to 20,000 characters, extreme aspect ratios and up to 10 references.",
            TypicalDuration = TimeSpan.FromSeconds(15),
        };
        yield return SeedreamLite();
        yield return new ModelSpec("doubao-seedream-5-0-pro", "Seedream 5.0 Pro", "Seedream", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            Fields.Options("aspect_ratio", "Aspect ratio", "1:1", "4:3", "3:4", "16:9", "9:16", "2:3", "3:2"),
            Fields.Options("quality", "Quality", "basic", "high"),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            Fields.Options("output_format", "Output format", "jpeg", "png"),
            Fields.Flag("watermark", "Watermark"),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 10, "Optional: up to 10 public image URLs."),
        ])
        {
            Description = "ByteDance Seedream 5.0 Pro: basic or high quality images with up to 10 references.",
            TypicalDuration = TimeSpan.FromSeconds(30),
        };
        yield return new ModelSpec("qwen-image-2", "Qwen Image 2", "Qwen", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(800),
            Fields.Choice("image_size", "Aspect ratio", "16:9", "1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9"),
            Fields.Options("output_format", "Output format", "png", "jpeg"),
            Fields.Seed(),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            Fields.Url("image_url", "Image to edit", MediaKind.Image, help: "Optional: one public image URL to edit."),
        ])
        {
            Description = "Alibaba Qwen Image 2: text to image, or edits of one image.",
            TypicalDuration = TimeSpan.FromSeconds(20),
        };
        yield return WanImage("wan2.7-image", "Wan 2.7 Image", pro: false);
        yield return WanImage("wan2.7-image-pro", "Wan 2.7 Image Pro", pro: true);
        yield return Midjourney();
        foreach (var model in MidjourneyV7())
        {
            yield return model;
        }
    }

    private static CrossFieldRule FourKNeedsWideSize() =>
        new("resolution", $"4k needs a wide aspect ratio ({string.Join(", ", WideSizes)}).",
            body => Body.Text(body, "resolution") != "4k" || WideSizes.Contains(Body.Text(body, "size") ?? "1:1"));

    private static ModelSpec GptImage2(string id, string name) =>
        new(id, name, "GPT Image", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            Fields.Choice("size", "Aspect ratio", "1:1", GptSizes),
            Fields.Choice("resolution", "Resolution", "1k", "1k", "2k", "4k"),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 16, "Optional: up to 16 public image URLs for image-to-image."),
        ])
        {
            Description = "OpenAI's image model: text to image, or image to image with references. One image per job.",
            TypicalDuration = TimeSpan.FromSeconds(30),
            Rules = [FourKNeedsWideSize()],
        };

    private static ModelSpec GptImage2Official() =>
        new("gpt-image-2-official", "GPT Image 2 (official)", "GPT Image", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            new FieldSpec("size", "Size", FieldType.Text)
            {
                Default = JsonValue.Create("1:1"),
                Pattern = $"^({string.Join('|', GptSizes)}|[0-9]+x[0-9]+)$",
                Help = "An aspect ratio (auto, 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 5:4, 4:5, 2:1, 1:2, 21:9, 9:21) or <W>x<H> in pixels.",
            },
            Fields.Choice("resolution", "Resolution", "1k", "1k", "2k", "4k"),
            Fields.Choice("quality", "Quality", "auto", "auto", "low", "medium", "high"),
            Fields.Integer("n", "Images", 1, 4),
            Fields.Options("background", "Background", "auto", "opaque", "transparent"),
            Fields.Options("moderation", "Moderation", "auto", "low"),
            Fields.Text("output_format", "Output format"),
            Fields.Integer("output_compression", "Output compression"),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 16, "Optional: up to 16 public image URLs for image-to-image."),
            Fields.Url("mask_url", "Mask", MediaKind.Image, help: "Optional: a public mask image URL; needs reference images."),
        ])
        {
            Description = "OpenAI's image model on the official channel: quality levels, up to 4 images, transparent backgrounds, masks and pixel sizes.",
            TypicalDuration = TimeSpan.FromSeconds(40),
            Rules =
            [
                FourKNeedsWideSize(),
                new CrossFieldRule("mask_url", "A mask needs at least one reference image.",
                    body => !Body.Has(body, "mask_url") || Body.Has(body, "image_urls")),
            ],
        };

    private static ModelSpec Flux2(string id, string name) =>
        new(id, name, "FLUX", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(5000, minLength: 3),
            Fields.Choice("aspect_ratio", "Aspect ratio", "1:1", "1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3", "auto"),
            Fields.Choice("resolution", "Resolution", "1K", "1K", "2K"),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            Fields.Urls("input_urls", "Input images", MediaKind.Image, 8, "Optional: up to 8 public image URLs to edit or combine."),
        ])
        {
            Description = "Black Forest Labs FLUX.2: text to image and multi-reference editing.",
            TypicalDuration = TimeSpan.FromSeconds(20),
            Rules =
            [
                new CrossFieldRule("aspect_ratio", "The aspect ratio 'auto' needs at least one input image.",
                    body => Body.Text(body, "aspect_ratio") != "auto" || body["input_urls"] is JsonArray { Count: > 0 }),
            ],
        };

    private static ModelSpec GeminiImage(string baseId, string baseName, bool official, int promptLimit, string[] sizes, string[] resolutions, bool search, string description, int seconds)
    {
        List<FieldSpec> fields =
        [
            Fields.Prompt(promptLimit),
            Fields.Choice("size", "Aspect ratio", "1:1", sizes),
            Fields.Options("resolution", "Resolution", resolutions),
            Fields.Integer("n", "Images", 1, 4),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 14, "Optional: up to 14 public image URLs to edit or combine."),
        ];
        List<CrossFieldRule> rules = [];
        if (search)
        {
            fields.Add(Fields.Flag("google_search", "Google Search"));
            fields.Add(Fields.Flag("google_image_search", "Google Image Search", "Needs Google Search on."));
            rules.Add(new CrossFieldRule("google_image_search", "Google Image Search needs Google Search on.",
                body => !Body.IsTrue(body, "google_image_search") || Body.IsTrue(body, "google_search")));
        }

        // The contract lists official_fallback for 2.5 Flash and 3 Pro on the non-official channel only.
        if (!official && !search)
        {
            fields.Add(Fields.Flag("official_fallback", "Official fallback"));
        }

        return new(official ? baseId + "-official" : baseId, official ? baseName + " (official)" : baseName, "Gemini", ReApiEndpoint.Images, OutputKind.Image, fields)
        {
            Description = official ? description + " Official Google channel." : description,
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Rules = rules,
        };
    }

    private static ModelSpec SeedreamLite() =>
        new("doubao-seedream-5-0-lite", "Seedream 5.0 Lite", "Seedream", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(4000),
            Fields.Choice("size", "Aspect ratio", "1:1", "1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3", "21:9", "auto"),
            Fields.Choice("resolution", "Resolution", "2k", "2k", "3k"),
            Fields.Integer("n", "Images", 1, 4),
            Fields.Options("output_format", "Output format", "jpeg", "png"),
            Fields.Options("sequential_image_generation", "Sequential generation", "disabled", "auto"),
            Fields.JsonObject("sequential_image_generation_options", "Sequential options", """For example {"max_images": 4}."""),
            Fields.Flag("watermark", "Watermark"),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 20, "Optional: up to 20 public image URLs."),
        ])
        {
            Description = "ByteDance Seedream 5.0 Lite: 2k or 3k images, several per job in sequential mode, with up to 20 references.",
            TypicalDuration = TimeSpan.FromSeconds(20),
            Rules =
            [
                new CrossFieldRule("n", "More than one image needs sequential generation set to 'auto'.",
                    body => (Body.Long(body, "n") ?? 1) <= 1 || Body.Text(body, "sequential_image_generation") == "auto"),
            ],
        };

    private static ModelSpec WanImage(string id, string name, bool pro)
    {
        List<CrossFieldRule> rules =
        [
            Fields.PromptUnless("image_urls", "A prompt is required when no input images are given."),
            new("n", "More than 4 images needs sequential mode.",
                body => (Body.Long(body, "n") ?? 1) <= 4 || Body.IsTrue(body, "enable_sequential")),
            new("bbox_list", "Boxes need one entry per input image.",
                body => !Body.Has(body, "bbox_list") || Body.Count(body, "bbox_list") == Body.Count(body, "image_urls")),
            new("color_palette", "Each palette colour needs a hex and a ratio.",
                body => Body.Items(body, "color_palette").All(item => item is JsonObject colour && colour["hex"] is not null && colour["ratio"] is not null)),
        ];
        if (pro)
        {
            rules.Add(new("resolution", "4k is for text to image only (no input images).",
                body => Body.Text(body, "resolution") != "4k" || !Body.Has(body, "image_urls")));
        }

        return new(id, name, "Wan", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Prompt(5000, required: false) with { Help = "Required when no input images are given." },
            Fields.Integer("n", "Images", 1, 12) with { Help = "1–4, or up to 12 in sequential mode." },
            Fields.Flag("enable_sequential", "Sequential mode", "Allows up to 12 images per job."),
            Fields.Options("size", "Aspect ratio", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"),
            Fields.Options("resolution", "Resolution", pro ? ["1k", "2k", "4k"] : ["1k", "2k"]),
            Fields.Text("negative_prompt", "Negative prompt", multiline: true),
            Fields.Flag("watermark", "Watermark"),
            Fields.Seed(),
            Fields.Toggle("thinking_mode", "Thinking mode", true),
            Fields.JsonArray("bbox_list", "Boxes", "One entry per input image."),
            Fields.JsonArray("color_palette", "Colour palette", """3 to 10 entries of {"hex": …, "ratio": …}.""", maxItems: 10, minItems: 3),
            Fields.Urls("image_urls", "Input images", MediaKind.Image, 9, "Optional: up to 9 public image URLs to edit."),
        ])
        {
            Description = pro
                ? "Alibaba Wan 2.7 Image Pro: generation up to 4k (text to image), editing with up to 9 images, palettes and boxes."
                : "Alibaba Wan 2.7 Image: generation and editing with up to 9 images, colour palettes and boxes.",
            TypicalDuration = TimeSpan.FromSeconds(pro ? 40 : 30),
            Rules = rules,
        };
    }

    private static ModelSpec Midjourney() =>
        new("midjourney", "Midjourney V8", "Midjourney", ReApiEndpoint.Images, OutputKind.Image,
        [
            Fields.Options("action", "Action", ["imagine", "edits", "blend", .. MidjourneyFollowUps]) with { Required = true },
            Fields.Prompt(null, required: false) with { Help = "Required for imagine and edits." },
            Fields.Choice("speed", "Speed", "relax", "relax", "fast", "turbo"),
            Fields.Choice("size", "Aspect ratio", "16:9", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "21:9", "9:21"),
            Fields.Options("version", "Version", "8.2", "8.1", "7", "6.1", "5.2", "5.1"),
            Fields.Options("quality", "Quality", "0.25", "0.5", "1", "2"),
            Fields.Integer("stylize", "Stylize", 0, 1000),
            Fields.Integer("chaos", "Chaos", 0, 100),
            Fields.Integer("weird", "Weird", 0, 3000),
            Fields.Integer("stop", "Stop", 10, 100),
            Fields.Integer("repeat", "Repeat", 2, 40),
            Fields.Number("iw", "Image weight", 0, 3),
            Fields.Integer("cw", "Character weight", 0, 100),
            Fields.Integer("sw", "Style weight", 0, 1000),
            Fields.Number("dw", "Dref weight", 0, 100),
            Fields.Flag("tile", "Tile"),
            Fields.Flag("niji", "Niji"),
            Fields.Flag("raw", "Raw"),
            Fields.Flag("draft", "Draft"),
            Fields.Flag("hd", "HD"),
            Fields.Seed(),
            Fields.Text("negative_prompt", "Negative prompt", multiline: true),
            Fields.Text("style", "Style"),
            Fields.Text("extra", "Extra"),
            Fields.Text("task_id", "Task id") with { Help = "Follow-up actions: the id of the earlier Midjourney task." },
            Fields.Integer("index", "Image index", 1, 4),
            Fields.Text("custom_id", "Custom id"),
            Fields.Number("zoom_ratio", "Zoom ratio"),
            Fields.Options("direction", "Pan direction", "left", "right", "up", "down"),
            Fields.Urls("image_urls", "Images", MediaKind.Image, 4, "Up to 4 public image URLs."),
            Fields.Url("cref", "Character reference", MediaKind.Image),
            Fields.Url("sref", "Style reference", MediaKind.Image),
            Fields.Url("dref", "Dref image", MediaKind.Image),
        ])
        {
            Description = "Midjourney V8: imagine, edit or blend, then upscale, vary, reroll, zoom, pan or remix earlier results; 4 images per job.",
            TypicalDuration = TimeSpan.FromSeconds(40),
            Example = new() { ["action"] = "imagine", ["prompt"] = "a lighthouse on a cliff at dawn" },
            Rules =
            [
                new CrossFieldRule("prompt", "imagine and edits need a prompt.",
                    body => Body.Text(body, "action") is not ("imagine" or "edits") || Body.Has(body, "prompt")),
                new CrossFieldRule("image_urls", "blend and edits need images.",
                    body => Body.Text(body, "action") is not ("blend" or "edits") || Body.Has(body, "image_urls")),
                new CrossFieldRule("task_id", "Follow-up actions need the task id of an earlier Midjourney task.",
                    body => !MidjourneyFollowUps.Contains(Body.Text(body, "action")) || Body.Has(body, "task_id")),
            ],
        };

    private static IEnumerable<ModelSpec> MidjourneyV7()
    {
        var speed = ParamsRule("model_params.speed must be 'fast' or 'turbo'.", p => p["speed"] is null || Body.Text(p, "speed") is "fast" or "turbo");
        var taskId = ParamsRule("model_params.task_id is required: the id of the earlier mj-v7 task.", p => Body.Has(p, "task_id"));
        var imageNumber = ParamsRule("model_params.image_number must be 0–3.", p => p["image_number"] is null || Body.Long(p, "image_number") is >= 0 and <= 3);
        var mask = ParamsRule("model_params.mask needs either areas or a url.", p => p["mask"] is JsonObject m && Body.Has(m, "areas") != Body.Has(m, "url"));
        var canvas = ParamsRule("model_params needs canvas and img_pos.", p => p["canvas"] is JsonObject && p["img_pos"] is JsonObject);

        var prompt = Fields.Prompt(8192) with { Help = "Native Midjourney flags go in the prompt (--ar, --s, --sref, --oref…); put an image URL first to use it." };
        var optionalPrompt = prompt with { Required = false };
        var followUp = Fields.JsonObject("model_params", "Model params", """{"task_id": "task_…", "image_number": 0} — which image of the earlier task (0–3).""") with { Required = true };
        var oneImage = Fields.Urls("image_urls", "Image", MediaKind.Image, 1, "One public image URL.") with { Required = true };

        yield return MjV7("mj-v7", "Midjourney V7", "Midjourney V7 driven by native prompt flags (--ar, --s, --sref, --oref…); 4 images per job.", 40,
            [prompt, Fields.JsonObject("model_params", "Model params", """Optional: {"speed": "fast"} or {"speed": "turbo"}.""")],
            new() { ["prompt"] = "a lighthouse on a cliff at dawn --ar 16:9 --s 250", ["model_params"] = new JsonObject { ["speed"] = "fast" } },
            speed);
        yield return MjV7("mj-v7-upscale", "Midjourney V7 upscale", "Upscales one image of an earlier mj-v7 task (standard or creative).", 30,
            [followUp],
            FollowUpExample(null, ("type", "standard")),
            taskId, imageNumber, ParamsRule("model_params.type must be 'standard' or 'creative'.", p => p["type"] is null || Body.Text(p, "type") is "standard" or "creative"));
        yield return MjV7("mj-v7-variation", "Midjourney V7 variation", "Makes a subtle or strong variation of one image of an earlier mj-v7 task.", 40,
            [optionalPrompt, followUp],
            FollowUpExample(null, ("type", "subtle")),
            taskId, imageNumber, speed, ParamsRule("model_params.type must be 'subtle' or 'strong'.", p => p["type"] is null || Body.Text(p, "type") is "subtle" or "strong"));
        yield return MjV7("mj-v7-remix", "Midjourney V7 remix", "Re-renders one image of an earlier mj-v7 task with a new prompt.", 40,
            [prompt, followUp],
            FollowUpExample("the same lighthouse in a snowstorm"),
            taskId, imageNumber, speed);
        yield return MjV7("mj-v7-inpaint", "Midjourney V7 inpaint", "Repaints the masked areas of one image of an earlier mj-v7 task.", 40,
            [optionalPrompt, followUp],
            FollowUpExample("a red door", ("mask", new JsonObject { ["url"] = "https://files.example.org/in/mask.png" })),
            taskId, imageNumber, mask, speed);
        yield return MjV7("mj-v7-outpaint", "Midjourney V7 outpaint", "Extends one image of an earlier mj-v7 task past its edges.", 40,
            [optionalPrompt, followUp],
            FollowUpExample(null),
            taskId, imageNumber, speed);
        yield return MjV7("mj-v7-pan", "Midjourney V7 pan", "Pans one image of an earlier mj-v7 task in one direction.", 40,
            [optionalPrompt, followUp],
            FollowUpExample(null),
            taskId, imageNumber, speed);
        yield return MjV7("mj-v7-enhance", "Midjourney V7 enhance", "Enhances one image of an earlier mj-v7 task.", 30,
            [followUp],
            FollowUpExample(null),
            taskId, imageNumber);
        yield return MjV7("mj-v7-retexture", "Midjourney V7 retexture", "Keeps the shapes of one uploaded image and retextures it from the prompt.", 40,
            [prompt, oneImage, Fields.JsonObject("model_params", "Model params", """Optional: {"speed": "fast"} or {"speed": "turbo"}.""")],
            new() { ["prompt"] = "made of polished brass", ["image_urls"] = new JsonArray(Photo) },
            speed);
        yield return MjV7("mj-v7-edit", "Midjourney V7 edit", "Edits one image of an earlier mj-v7 task on a new canvas, with a mask and an image position.", 40,
            [prompt, followUp],
            FollowUpExample("add a rowing boat",
                ("mask", new JsonObject { ["url"] = "https://files.example.org/in/mask.png" }),
                ("canvas", new JsonObject { ["width"] = 1024L, ["height"] = 1024L }),
                ("img_pos", new JsonObject { ["width"] = 768L, ["height"] = 768L, ["x"] = 128L, ["y"] = 128L })),
            taskId, imageNumber, mask, canvas, speed);
        yield return MjV7("mj-v7-remove-bg", "Midjourney V7 remove background", "Removes the background of one uploaded image.", 15,
            [oneImage],
            new() { ["image_urls"] = new JsonArray(Photo) });
        yield return MjV7("mj-v7-upload-paint", "Midjourney V7 paint on upload", "Repaints the masked areas of one uploaded image placed on a canvas.", 40,
            [prompt, oneImage, Fields.JsonObject("model_params", "Model params", """{"mask": {…}, "canvas": {…}, "img_pos": {…}}""") with { Required = true }],
            new()
            {
                ["prompt"] = "a red door",
                ["image_urls"] = new JsonArray(Photo),
                ["model_params"] = new JsonObject
                {
                    ["mask"] = new JsonObject { ["url"] = "https://files.example.org/in/mask.png" },
                    ["canvas"] = new JsonObject { ["width"] = 1024L, ["height"] = 1024L },
                    ["img_pos"] = new JsonObject { ["width"] = 1024L, ["height"] = 1024L, ["x"] = 0L, ["y"] = 0L },
                },
            },
            mask, canvas, speed);
    }

    private static ModelSpec MjV7(string id, string name, string description, int seconds, FieldSpec[] fields, JsonObject example, params CrossFieldRule[] rules) =>
        new(id, name, "Midjourney", ReApiEndpoint.Images, OutputKind.Image, fields)
        {
            Description = description,
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Example = example,
            Rules = rules,
        };

    /// <summary>A rule on the <c>model_params</c> object of the mj-v7 models (an absent object reads as empty).</summary>
    private static CrossFieldRule ParamsRule(string message, Func<JsonObject, bool> holds) =>
        new("model_params", message, body => holds(Body.Object(body, "model_params") ?? new JsonObject()));

    private static JsonObject FollowUpExample(string? prompt, params (string Name, JsonNode Value)[] extra)
    {
        var modelParams = new JsonObject { ["task_id"] = EarlierTask, ["image_number"] = 0L };
        foreach (var (name, value) in extra)
        {
            modelParams[name] = value;
        }

        var example = new JsonObject { ["model_params"] = modelParams };
        if (prompt is not null)
        {
            example["prompt"] = prompt;
        }

        return example;
    }
}
