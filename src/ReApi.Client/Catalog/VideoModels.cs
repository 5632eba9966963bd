using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Video models and video tools (<c>POST /videos/generations</c>, output <c>video_urls</c>), from CONTRACT §3.2.</summary>
internal static class VideoModels
{
    private const string Photo = "https://files.example.org/in/photo.jpg";

    private const string Clip = "https://files.example.org/in/clip.mp4";

    private const string Track = "https://files.example.org/in/track.mp3";

    private static readonly string[] SeedanceSizes = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "adaptive"];

    private static readonly string[] KlingRatios = ["16:9", "9:16", "1:1"];

    private static readonly string[] FrameRoles = ["first_frame", "last_frame"];

    private static readonly string[] WanMediaTypes = ["first_frame", "last_frame", "driving_audio", "first_clip", "reference_image", "reference_video", "video"];

    public static IEnumerable<ModelSpec> All()
    {
        yield return Seedance20("doubao-seedance-2.0", "Seedance 2.0", face: false, official: false, upTo720p: false, 180);
        yield return Seedance20("doubao-seedance-2.0-fast", "Seedance 2.0 Fast", face: false, official: false, upTo720p: true, 120);
        yield return Seedance20("doubao-seedance-2.0-face", "Seedance 2.0 Face", face: true, official: false, upTo720p: false, 180);
        yield return Seedance20("doubao-seedance-2.0-fast-face", "Seedance 2.0 Fast Face", face: true, official: false, upTo720p: true, 120);
        yield return Seedance20("doubao-seedance-2.0-official", "Seedance 2.0 (official)", face: false, official: true, upTo720p: true, 180);
        yield return Seedance20("doubao-seedance-2.0-fast-official", "Seedance 2.0 Fast (official)", face: false, official: true, upTo720p: true, 120);
        yield return SeedanceBeta("seedance-2.0-beta", "Seedance 2.0 (beta)", mini: false, 180);
        yield return SeedanceBeta("seedance-2.0-fast-beta", "Seedance 2.0 Fast (beta)", mini: false, 120);
        yield return SeedanceBeta("seedance-2.0-mini", "Seedance 2.0 Mini", mini: true, 90);
        yield return Seedance25();
        yield return Kling30();
        yield return KlingTurbo();
        yield return new ModelSpec("kling-3-0-turbo-beta", "Kling 3.0 Turbo (beta)", "Kling", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(2500),
            Fields.Options("aspect_ratio", "Aspect ratio", KlingRatios),
            Fields.Options("resolution", "Resolution", "720p", "1080p"),
            Fields.Duration(3, 15),
            Fields.Urls("image_urls", "Image", MediaKind.Image, 1, "Exactly one public image URL.") with { Required = true },
        ])
        {
            Description = "Kling 3.0 Turbo on the beta channel: image to video from exactly one image.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Example = new() { ["prompt"] = "the lighthouse beam sweeps through fog", ["image_urls"] = new JsonArray(Photo) },
        };
        yield return KlingMotionControl("kling-v3-motion-control", "Kling 3 Motion Control");
        yield return KlingMotionControl("kling-v2-6-motion-control", "Kling 2.6 Motion Control");
        yield return HappyHorse11();
        yield return HappyHorse10("happyhorse-1.0", "HappyHorse 1.0", official: false);
        yield return HappyHorse10("happyhorse-1.0-official", "HappyHorse 1.0 (official)", official: true);
        yield return Wan27Video();
        yield return Wan27VideoOfficial();
        yield return PixVerse();
        yield return Vidu("viduq3-pro", "Vidu Q3 Pro", 120);
        yield return Vidu("viduq3-turbo", "Vidu Q3 Turbo", 60);
        foreach (var model in Grok())
        {
            yield return model;
        }

        yield return Veo("veo3.1-fast", "Veo 3.1 Fast", ["frame", "reference"], "Google Veo 3.1 Fast: 8-second clips from text or up to 3 images, billed per generation.", 90);
        yield return Veo("veo3.1-quality", "Veo 3.1 Quality", ["frame"], "Google Veo 3.1 Quality: 8-second clips from text, or frame-mode image to video.", 180);
        yield return Veo("veo3.1-lite", "Veo 3.1 Lite", null, "Google Veo 3.1 Lite: 8-second clips from a prompt only.", 60);
        yield return VeoOfficial("veo3.1-fast-official", "Veo 3.1 Fast (official)", 120);
        yield return VeoOfficial("veo3.1-quality-official", "Veo 3.1 Quality (official)", 240);
        yield return GeminiOmni(beta: false);
        yield return GeminiOmni(beta: true);
        yield return MusicVideo();
        yield return new ModelSpec("topaz-video-upscaler", "Topaz Video Upscaler", "Video tools", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Url("video_url", "Video", MediaKind.Video, required: true, "A public mp4/mov URL of the clip to upscale."),
            Fields.Options("upscale_factor", "Upscale factor", "1", "2", "4"),
        ])
        {
            Description = "Topaz upscaler: enlarges a clip 1×, 2× or 4×, billed per second of the source.",
            TypicalDuration = TimeSpan.FromSeconds(240),
            Example = new() { ["video_url"] = Clip, ["upscale_factor"] = "2" },
        };
        yield return new ModelSpec("enhance-video-1.0", "Video Enhancer 1.0", "Video tools", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Url("video_url", "Video", MediaKind.Video, required: true, "A public mp4/mov URL of the clip to enhance."),
            Fields.Text("resolution", "Resolution") with { Help = "For example 1080p." },
            Fields.Options("tool_version", "Tool version", "standard", "professional"),
            Fields.Text("scene", "Scene"),
            Fields.Integer("fps", "Frame rate"),
            Fields.Text("client_token", "Client token"),
        ])
        {
            Description = "Video enhancer: re-renders a clip at a target resolution and frame rate, standard or professional, billed per second.",
            TypicalDuration = TimeSpan.FromSeconds(180),
            Example = new() { ["video_url"] = Clip, ["resolution"] = "1080p" },
        };
    }

    private static ModelSpec Seedance20(string id, string name, bool face, bool official, bool upTo720p, int seconds)
    {
        List<FieldSpec> fields =
        [
            face ? Fields.Prompt(null) : Fields.Prompt(4000, minLength: 3),
            Fields.Duration(4, 15, 5),
            Fields.Options("size", "Aspect ratio", SeedanceSizes),
            Fields.Choice("resolution", "Resolution", "720p", "480p", "720p", "1080p", "4k"),
            Fields.Flag("generate_audio", "Generate audio"),
            Fields.Flag("return_last_frame", "Return last frame", "Adds output.last_frame_url."),
            Fields.Seed(),
            Fields.JsonArray("tools", "Tools", """For example [{"type": "web_search"}]."""),
            Fields.JsonObject("fallback", "Fallback", """For example {"enabled": true, "allow_lossy": ["seed"]}."""),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 9, "Up to 9 public image URLs."),
            FramesField(),
            Fields.Urls("video_urls", "Reference videos", MediaKind.Video, 3, "Up to 3 public mp4/mov URLs (H.264/H.265)."),
            Fields.Urls("audio_urls", "Reference audio", MediaKind.Audio, 3, "Up to 3 public audio URLs; needs reference images or videos."),
        ];
        if (!official)
        {
            fields.Insert(8, Fields.Toggle("nsfw_checker", "Safety checker", true));
        }

        List<CrossFieldRule> rules =
        [
            new("image_with_roles", "Frames (image_with_roles) cannot be mixed with image_urls, video_urls or audio_urls.",
                body => !Body.Has(body, "image_with_roles") || !(Body.Has(body, "image_urls") || Body.Has(body, "video_urls") || Body.Has(body, "audio_urls"))),
            FramesRule(),
            new("audio_urls", "Reference audio needs reference images or videos.",
                body => !Body.Has(body, "audio_urls") || Body.Has(body, "image_urls") || Body.Has(body, "video_urls")),
        ];
        if (upTo720p)
        {
            rules.Add(new("resolution", $"{name} renders at 480p or 720p; 1080p and 4k need Seedance 2.0 or 2.0 Face.",
                body => Body.Text(body, "resolution") is not ("1080p" or "4k")));
        }

        return new(id, name, "Seedance", ReApiEndpoint.Videos, OutputKind.Video, fields)
        {
            Description = $"ByteDance {name}: 4–15 s from text, up to 9 images, first/last frames, or reference videos and audio.",
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Example = new() { ["prompt"] = "paper boat drifting down a rainy street", ["duration"] = 6L, ["size"] = "9:16" },
            Rules = rules,
        };
    }

    private static ModelSpec SeedanceBeta(string id, string name, bool mini, int seconds)
    {
        List<FieldSpec> fields =
        [
            Fields.Prompt(20000, minLength: 3),
            Fields.Options("aspect_ratio", "Aspect ratio", SeedanceSizes),
            Fields.Options("resolution", "Resolution", "480p", "720p"),
            Fields.Duration(4, 15, mini ? 5 : null),
            Fields.Flag("generate_audio", "Generate audio"),
            Fields.Flag("web_search", "Web search"),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            Fields.Url("first_frame_url", "First frame", MediaKind.Image),
            Fields.Url("last_frame_url", "Last frame", MediaKind.Image),
            Fields.Urls("reference_image_urls", "Reference images", MediaKind.Image, 9, "Up to 9 public image URLs; not with frames."),
            Fields.Urls("reference_video_urls", "Reference videos", MediaKind.Video, 3, "Up to 3 public mp4/mov URLs; not with frames."),
            Fields.Urls("reference_audio_urls", "Reference audio", MediaKind.Audio, 3, "Up to 3 public audio URLs; not with frames."),
        ];
        if (!mini)
        {
            fields.Insert(5, Fields.Flag("return_last_frame", "Return last frame", "Adds output.last_frame_url."));
        }

        return new(id, name, "Seedance", ReApiEndpoint.Videos, OutputKind.Video, fields)
        {
            Description = $"{name}: 480p or 720p clips of 4–15 s from text, first/last frames or references; long prompts.",
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Example = new() { ["prompt"] = "paper boat drifting down a rainy street", ["resolution"] = "720p" },
            Rules =
            [
                new CrossFieldRule("reference_image_urls", "Use either frames (first_frame_url, last_frame_url) or references, not both.",
                    body => !(Body.Has(body, "first_frame_url") || Body.Has(body, "last_frame_url"))
                        || !(Body.Has(body, "reference_image_urls") || Body.Has(body, "reference_video_urls") || Body.Has(body, "reference_audio_urls"))),
            ],
        };
    }

    private static ModelSpec Seedance25() =>
        new("doubao-seedance-2.5-face", "Seedance 2.5", "Seedance", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(null),
            Fields.Duration(-1, 30) with { Help = "4–30 seconds, or -1 for edit jobs." },
            Fields.Options("size", "Aspect ratio", "21:9", "16:9", "4:3", "1:1", "3:4", "9:16", "adaptive"),
            Fields.Options("resolution", "Resolution", "480p", "720p", "1080p"),
            Fields.Flag("generate_audio", "Generate audio"),
            Fields.Options("output_format", "Output format", "mp4"),
            Fields.Options("omni_reference_task_type", "Task type", "reference", "edit"),
            Fields.Text("bitrate_mode", "Bitrate mode"),
            Fields.Toggle("content_filter", "Content filter", true),
            Fields.Flag("watermark", "Watermark"),
            Fields.Flag("return_last_frame", "Return last frame", "Adds output.last_frame_url."),
            Fields.JsonArray("tools", "Tools", """For example [{"type": "web_search"}]."""),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 30, "Up to 30 public image URLs (no SVG)."),
            Fields.Urls("video_urls", "Reference videos", MediaKind.Video, 10, "Up to 10 public mp4/mov URLs (H.264/H.265)."),
            new FieldSpec("audio_urls", "Reference audio", FieldType.UrlList) { Accepts = MediaKind.Audio, Help = "Public audio URLs, one per line." },
            FramesField(),
        ])
        {
            Description = "ByteDance Seedance 2.5 (face-capable): 4–30 s clips from text and up to 30 images or 10 videos, or reference edits.",
            TypicalDuration = TimeSpan.FromSeconds(240),
            Example = new() { ["prompt"] = "a presenter speaks to camera in a bright studio", ["duration"] = 10L, ["size"] = "16:9", ["resolution"] = "480p" },
            Rules =
            [
                new CrossFieldRule("duration", "Duration must be 4–30 seconds (-1 only for edit jobs).",
                    body => Body.Long(body, "duration") is not { } seconds || seconds is >= 4 and <= 30 || (seconds == -1 && Body.Text(body, "omni_reference_task_type") == "edit")),
                FramesRule(),
            ],
        };

    private static ModelSpec Kling30() =>
        new("kling-3-0", "Kling 3.0", "Kling", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(2500, required: false) with { Help = "Required unless multi-shot is on." },
            Fields.Toggle("sound", "Sound", false),
            Fields.Duration(3, 15, 5),
            Fields.Options("aspect_ratio", "Aspect ratio", KlingRatios),
            Fields.Choice("mode", "Mode", "pro", "std", "pro", "4K"),
            Fields.Flag("multi_shots", "Multi-shot", "Needs the shots below."),
            Fields.JsonArray("multi_prompt", "Shots", """Up to 5 of {"prompt": "…", "duration": 3}: prompt up to 500 characters, duration 1–12 s.""", maxItems: 5),
            Fields.JsonArray("kling_elements", "Elements", """Up to 3 of {"name": "…", "description": "…", "element_input_urls": [2–4 image URLs]}.""", maxItems: 3),
            Fields.Urls("image_urls", "Frames", MediaKind.Image, 2, "Optional: the first frame, then the last frame."),
        ])
        {
            Description = "Kling 3.0: 3–15 s clips with optional sound, first/last frames, multi-shot prompts and reusable elements.",
            TypicalDuration = TimeSpan.FromSeconds(180),
            Rules =
            [
                new CrossFieldRule("prompt", "A prompt is required unless multi-shot is on.",
                    body => Body.IsTrue(body, "multi_shots") || Body.Has(body, "prompt")),
                new CrossFieldRule("multi_prompt", "Multi-shot needs the shots (multi_prompt).",
                    body => !Body.IsTrue(body, "multi_shots") || Body.Has(body, "multi_prompt")),
                new CrossFieldRule("multi_prompt", "Each shot needs a prompt of up to 500 characters and a duration of 1–12 seconds.",
                    body => Body.Items(body, "multi_prompt").All(shot => shot is JsonObject s
                        && Body.Text(s, "prompt") is { Length: > 0 and <= 500 }
                        && Body.Long(s, "duration") is >= 1 and <= 12)),
                new CrossFieldRule("kling_elements", "Each element needs a name and 2–4 public image URLs (element_input_urls).",
                    body => Body.Items(body, "kling_elements").All(element => element is JsonObject e
                        && Body.Has(e, "name")
                        && Body.Count(e, "element_input_urls") is >= 2 and <= 4
                        && Body.Items(e, "element_input_urls").All(Body.IsUrl))),
            ],
        };

    private static ModelSpec KlingTurbo() =>
        new("kling-3-0-turbo", "Kling 3.0 Turbo", "Kling", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(3072, required: false) with { Help = "Optional only with a first frame." },
            Fields.Options("resolution", "Resolution", "720p", "1080p"),
            Fields.Duration(3, 15),
            Fields.Options("aspect_ratio", "Aspect ratio", KlingRatios) with { Help = "Text to video only." },
            Fields.Flag("watermark", "Watermark"),
            Fields.Url("first_frame_image", "First frame", MediaKind.Image, help: "Optional: a public image URL for image to video."),
        ])
        {
            Description = "Kling 3.0 Turbo: fast 720p/1080p clips of 3–15 s from text or a first frame.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Rules =
            [
                Fields.PromptUnless("first_frame_image", "A prompt is required unless a first frame is given."),
                new CrossFieldRule("aspect_ratio", "The aspect ratio is for text to video only; a first frame sets its own.",
                    body => !Body.Has(body, "aspect_ratio") || !Body.Has(body, "first_frame_image")),
            ],
        };

    private static ModelSpec KlingMotionControl(string id, string name) =>
        new(id, name, "Kling", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(null),
            Fields.Options("character_orientation", "Character orientation", "image", "video") with { Required = true },
            Fields.Options("mode", "Mode", "std", "pro") with { Required = true },
            Fields.Options("keep_original_sound", "Keep original sound", "yes", "no"),
            Fields.JsonObject("watermark_info", "Watermark", """For example {"enabled": false}."""),
            Fields.Url("image_url", "Character image", MediaKind.Image, required: true),
            Fields.Url("video_url", "Motion video", MediaKind.Video, required: true, "A public mp4/mov URL whose motion is copied."),
        ])
        {
            Description = $"{name}: moves the character of one image along the motion of a reference video.",
            TypicalDuration = TimeSpan.FromSeconds(180),
            Example = new()
            {
                ["prompt"] = "keep the subject consistent and follow the reference motion",
                ["character_orientation"] = "image",
                ["mode"] = "std",
                ["image_url"] = Photo,
                ["video_url"] = Clip,
            },
        };

    private static ModelSpec HappyHorse11() =>
        new("happyhorse-1-1", "HappyHorse 1.1", "HappyHorse", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(null, required: false),
            Fields.Options("resolution", "Resolution", "720p", "1080p"),
            Fields.Options("aspect_ratio", "Aspect ratio", "16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9") with { Help = "Not for image to video." },
            Fields.Duration(3, 15, 5),
            Fields.Urls("image_urls", "Start image", MediaKind.Image, 1, "One public image URL for image to video."),
            Fields.Urls("reference_image_urls", "Reference images", MediaKind.Image, 9, "Up to 9 public image URLs for reference to video."),
        ])
        {
            Description = "HappyHorse 1.1: 3–15 s clips from text, one start image, or up to 9 reference images.",
            TypicalDuration = TimeSpan.FromSeconds(120),
            Rules =
            [
                new CrossFieldRule("reference_image_urls", "Use either a start image (image_urls) or reference images, not both.",
                    body => !Body.Has(body, "image_urls") || !Body.Has(body, "reference_image_urls")),
                new CrossFieldRule("aspect_ratio", "The aspect ratio cannot be set for image to video.",
                    body => !Body.Has(body, "aspect_ratio") || !Body.Has(body, "image_urls")),
            ],
        };

    private static ModelSpec HappyHorse10(string id, string name, bool official) =>
        new(id, name, "HappyHorse", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(null, required: false),
            Fields.Choice("resolution", "Resolution", "1080P", "720P", "1080P"),
            Fields.Options("size", "Aspect ratio", official ? ["16:9", "9:16", "1:1", "4:3", "3:4", "4:5", "5:4"] : ["16:9", "9:16", "1:1", "4:3", "3:4"]),
            Fields.Duration(3, 15, 5),
            Fields.Options("audio_setting", "Audio", "auto", "origin"),
            Fields.Flag("watermark", "Watermark"),
            Fields.Seed(0, 2147483647),
            Fields.Url("first_frame_image", "First frame", MediaKind.Image, help: "Optional: a public image URL for image to video."),
            Fields.Urls("image_urls", "Reference images", MediaKind.Image, 9, "Up to 9 public image URLs for reference to video."),
            Fields.Url("video_url", "Video to edit", MediaKind.Video, help: "Optional: a public mp4/mov URL to edit."),
        ])
        {
            Description = $"{name}: 3–15 s clips at 720P/1080P from text, a first frame or reference images, or edits of a video.",
            TypicalDuration = TimeSpan.FromSeconds(120),
            Rules =
            [
                new CrossFieldRule("first_frame_image", "Use only one of first frame, reference images or video to edit.",
                    body => (Body.Has(body, "first_frame_image") ? 1 : 0) + (Body.Has(body, "image_urls") ? 1 : 0) + (Body.Has(body, "video_url") ? 1 : 0) <= 1),
            ],
        };

    private static ModelSpec Wan27Video() =>
        new("wan2.7-video", "Wan 2.7 Video", "Wan", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(5000, required: false),
            Fields.Text("negative_prompt", "Negative prompt", 500, multiline: true),
            Fields.Options("audio_setting", "Audio", "auto", "origin"),
            Fields.Options("size", "Aspect ratio", "16:9", "9:16", "1:1", "4:3", "3:4"),
            Fields.Choice("resolution", "Resolution", "1080P", "720P", "1080P"),
            Fields.Duration(2, 15, 5),
            Fields.Toggle("prompt_extend", "Prompt extension", true),
            Fields.Flag("watermark", "Watermark"),
            Fields.Seed(),
            Fields.Urls("image_urls", "Images", MediaKind.Image, 4, "Up to 4 public image URLs."),
            FramesField(),
            Fields.Urls("video_urls", "Video", MediaKind.Video, 1, "One public mp4/mov URL."),
            Fields.Url("audio_url", "Audio", MediaKind.Audio),
            Fields.Urls("reference_image_urls", "Reference images", MediaKind.Image, 5, "Up to 5 public image URLs."),
            Fields.Urls("reference_video_urls", "Reference videos", MediaKind.Video, 5, "Up to 5 public mp4/mov URLs."),
            Fields.Urls("reference_voice_urls", "Reference voices", MediaKind.Audio, 5, "Up to 5 public audio URLs."),
            Fields.Url("video_url", "Video to edit", MediaKind.Video),
        ])
        {
            Description = "Alibaba Wan 2.7 Video: 2–15 s clips from text, images, frames, audio, references, or edits of a video.",
            TypicalDuration = TimeSpan.FromSeconds(180),
            Rules = [FramesRule()],
        };

    private static ModelSpec Wan27VideoOfficial() =>
        new("wan2.7-video-official", "Wan 2.7 Video (official)", "Wan", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(5000, required: false),
            Fields.Text("negative_prompt", "Negative prompt", 500, multiline: true),
            Fields.Options("ratio", "Aspect ratio", "16:9", "9:16", "1:1", "4:3", "3:4"),
            Fields.Options("resolution", "Resolution", "720P", "1080P"),
            Fields.Duration(2, 15),
            Fields.Toggle("prompt_extend", "Prompt extension", true),
            Fields.Flag("watermark", "Watermark"),
            Fields.Seed(),
            Fields.Options("audio_setting", "Audio", "auto", "origin"),
            Fields.JsonArray("media", "Media",
                $$"""Up to 9 of {"type": "first_frame", "url": "…"}; types: {{string.Join(", ", WanMediaTypes)}}; driving_audio may add "reference_voice".""", maxItems: 9),
            Fields.Url("audio_url", "Audio", MediaKind.Audio),
        ])
        {
            Description = "Alibaba Wan 2.7 Video on the official channel: every input goes in one typed media list.",
            TypicalDuration = TimeSpan.FromSeconds(180),
            Rules =
            [
                new CrossFieldRule("media", $"Each media entry needs a type ({string.Join(", ", WanMediaTypes)}) and a public url.",
                    body => Body.Items(body, "media").All(item => item is JsonObject m
                        && WanMediaTypes.Contains(Body.Text(m, "type"))
                        && Body.IsUrl(m["url"])
                        && (m["reference_voice"] is null || Body.IsUrl(m["reference_voice"])))),
            ],
        };

    private static ModelSpec PixVerse() =>
        new("pixverse-v6", "PixVerse V6", "PixVerse", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(5000),
            Fields.Choice("resolution", "Resolution", "540p", "360p", "540p", "720p", "1080p"),
            Fields.Duration(1, 15, 5),
            Fields.Options("size", "Aspect ratio", "16:9", "4:3", "1:1", "3:4", "9:16", "2:3", "3:2", "21:9"),
            Fields.Seed(),
            Fields.Text("negative_prompt", "Negative prompt", 2048, multiline: true),
            Fields.Flag("audio", "Audio"),
            Fields.Flag("watermark", "Watermark"),
            Fields.Options("motion_mode", "Motion mode", "normal"),
            Fields.Flag("generate_multi_clip_switch", "Multi-clip"),
            Fields.Text("extend_from_task_id", "Extend task id") with { Help = "Optional: continue an earlier pixverse-v6 task." },
            Fields.Urls("image_urls", "Start image", MediaKind.Image, 1, "One public image URL for image to video."),
            Fields.Url("first_frame_image", "First frame", MediaKind.Image, help: "Goes with a last frame."),
            Fields.Url("last_frame_image", "Last frame", MediaKind.Image, help: "Goes with a first frame."),
            Fields.Urls("img_references", "Reference images", MediaKind.Image, 7, "1 to 7 public image URLs.") with { MinItems = 1 },
        ])
        {
            Description = "PixVerse V6: 1–15 s clips from text, a start image, first/last frames, references, or extensions of earlier clips.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Rules =
            [
                new CrossFieldRule("last_frame_image", "The first and last frames go together.",
                    body => Body.Has(body, "first_frame_image") == Body.Has(body, "last_frame_image")),
                new CrossFieldRule("duration", "A first-to-last-frame video lasts 5 or 8 seconds.",
                    body => !Body.Has(body, "first_frame_image") || Body.Long(body, "duration") is null or 5 or 8),
            ],
        };

    private static ModelSpec Vidu(string id, string name, int seconds) =>
        new(id, name, "Vidu", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(2000, required: false) with { Help = "Required without images." },
            Fields.Duration(1, 16, 5),
            Fields.Choice("resolution", "Resolution", "720p", "540p", "720p", "1080p"),
            Fields.Options("aspect_ratio", "Aspect ratio", "16:9", "9:16", "4:3", "3:4", "1:1") with { Help = "Text to video only." },
            Fields.Toggle("audio", "Audio", true),
            Fields.Seed(-1, 4294967295),
            Fields.Urls("image_urls", "Images", MediaKind.Image, 2, "1 image: image to video; 2 images: first and last frame."),
        ])
        {
            Description = $"{name}: 1–16 s clips with audio from text, one image, or first and last frames.",
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Rules =
            [
                Fields.PromptUnless("image_urls", "A prompt is required when no images are given."),
                new CrossFieldRule("aspect_ratio", "The aspect ratio is for text to video only.",
                    body => !Body.Has(body, "aspect_ratio") || !Body.Has(body, "image_urls")),
            ],
        };

    private static IEnumerable<ModelSpec> Grok()
    {
        var oneImage = Fields.Urls("image_urls", "Image", MediaKind.Image, 1, "Exactly one public image URL.") with { Required = true };
        yield return new ModelSpec("grok-imagine-1.0-video", "Grok Imagine 1.0 Video", "Grok", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(4000, required: false) with { Help = "Required without images." },
            Fields.Options("size", "Aspect ratio", "16:9", "9:16", "1:1", "3:2", "2:3"),
            Fields.Duration(6, 30, 6),
            Fields.Options("quality", "Quality", "480p", "720p"),
            Fields.Urls("image_urls", "Images", MediaKind.Image, 7, "Up to 7 public image URLs."),
        ])
        {
            Description = "xAI Grok Imagine 1.0: 6–30 s clips from text or up to 7 images.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Rules =
            [
                Fields.PromptUnless("image_urls", "A prompt is required when no images are given."),
            ],
        };
        yield return new ModelSpec("grok-imagine-video-1.5-beta", "Grok Imagine Video 1.5 (beta)", "Grok", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(4096, required: false),
            Fields.Options("aspect_ratio", "Aspect ratio", "auto", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"),
            Fields.Options("resolution", "Resolution", "480p", "720p"),
            Fields.Duration(1, 15, 8),
            Fields.Toggle("nsfw_checker", "Safety checker", true),
            oneImage,
        ])
        {
            Description = "xAI Grok Imagine Video 1.5 on the beta channel: image to video only, from exactly one image.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Example = new() { ["prompt"] = "the waves roll in slowly", ["image_urls"] = new JsonArray(Photo) },
        };
        yield return new ModelSpec("grok-imagine-video-1.5-official", "Grok Imagine Video 1.5 (official)", "Grok", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(4000),
            Fields.Options("aspect_ratio", "Aspect ratio", "1:1", "16:9", "9:16"),
            Fields.Options("resolution", "Resolution", "480p", "720p"),
            Fields.Duration(6, 15, 8),
            Fields.Toggle("audio", "Audio", true),
            Fields.JsonObject("fallback", "Fallback", """For example {"enabled": true}."""),
            oneImage,
        ])
        {
            Description = "xAI Grok Imagine Video 1.5 on the official channel: 6–15 s with audio from exactly one image.",
            TypicalDuration = TimeSpan.FromSeconds(120),
            Example = new() { ["prompt"] = "the waves roll in slowly", ["image_urls"] = new JsonArray(Photo) },
        };
    }

    private static ModelSpec Veo(string id, string name, string[]? generationTypes, string description, int seconds)
    {
        List<FieldSpec> fields =
        [
            Fields.Prompt(4000),
            Fields.Duration(8, 8, 8),
            Fields.Options("aspect_ratio", "Aspect ratio", "16:9", "9:16"),
            Fields.Options("resolution", "Resolution", "720p", "1080p", "4k"),
            Fields.Flag("enable_gif", "GIF", "720p only."),
        ];
        if (generationTypes is not null)
        {
            fields.Add(Fields.Options("generation_type", "Generation type", generationTypes));
            fields.Add(Fields.Urls("image_urls", "Images", MediaKind.Image, 3, "Up to 3 public image URLs."));
        }

        return new(id, name, "Veo", ReApiEndpoint.Videos, OutputKind.Video, fields)
        {
            Description = description,
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Rules =
            [
                new CrossFieldRule("enable_gif", "GIF output is for 720p only.",
                    body => !Body.IsTrue(body, "enable_gif") || Body.Text(body, "resolution") is null or "720p"),
            ],
        };
    }

    private static ModelSpec VeoOfficial(string id, string name, int seconds) =>
        new(id, name, "Veo", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Prompt(4000),
            Fields.Text("negative_prompt", "Negative prompt", 4000, multiline: true),
            Fields.Duration(4, 8, 8) with { Help = "4, 6 or 8 seconds." },
            Fields.Options("aspect_ratio", "Aspect ratio", "16:9", "9:16"),
            Fields.Options("resolution", "Resolution", "720p", "1080p", "4k"),
            Fields.Seed(0, 4294967295),
            Fields.Integer("sample_count", "Videos", 1, 4),
            Fields.Flag("generate_audio", "Generate audio"),
            Fields.Options("person_generation", "People", "disallow"),
            Fields.Options("resize_mode", "Resize mode", "pad", "crop"),
            Fields.Toggle("enhance_prompt", "Enhance prompt", true, "reAPI only accepts true."),
            Fields.Url("first_frame_image", "First frame", MediaKind.Image),
            Fields.Url("last_frame_image", "Last frame", MediaKind.Image, help: "Needs a first frame."),
        ])
        {
            Description = $"Google {name}: 4, 6 or 8 s with optional audio, up to 4k and 4 videos per job, billed per second.",
            TypicalDuration = TimeSpan.FromSeconds(seconds),
            Rules =
            [
                new CrossFieldRule("duration", "Duration must be 4, 6 or 8 seconds.",
                    body => Body.Long(body, "duration") is null or 4 or 6 or 8),
                new CrossFieldRule("last_frame_image", "A last frame needs a first frame.",
                    body => !Body.Has(body, "last_frame_image") || Body.Has(body, "first_frame_image")),
                new CrossFieldRule("enhance_prompt", "Prompt enhancement cannot be turned off.",
                    body => body["enhance_prompt"] is null || Body.IsTrue(body, "enhance_prompt")),
            ],
        };

    private static ModelSpec GeminiOmni(bool beta)
    {
        List<FieldSpec> fields =
        [
            Fields.Prompt(beta ? 20000 : 2000),
            Fields.Duration(4, 10, 6) with { Help = "4, 6, 8 or 10 seconds; leave it out with a reference video." },
            Fields.Options("resolution", "Resolution", "720p", "1080p", "4k"),
            Fields.Options("aspect_ratio", "Aspect ratio", "16:9", "9:16"),
            beta
                ? Fields.Urls("image_urls", "Images", MediaKind.Image, 7, "Up to 7 public image URLs.")
                : Fields.Urls("image_urls", "Images", MediaKind.Image, 3, "0 images: text to video; 1: image to video; 3: three-image fusion."),
            Fields.Urls("video_urls", "Reference video", MediaKind.Video, 1, "One public mp4/mov URL: reference to video."),
        ];
        List<CrossFieldRule> rules =
        [
            new("duration", "Duration must be 4, 6, 8 or 10 seconds.",
                body => Body.Long(body, "duration") is null or 4 or 6 or 8 or 10),
            new("duration", "Leave the duration out with a reference video (it bills on the source clip).",
                body => body["duration"] is null || !Body.Has(body, "video_urls")),
        ];
        if (!beta)
        {
            fields.Insert(4, Fields.Options("size", "Size", "16:9", "9:16") with { Help = "Alias of the aspect ratio; must match it." });
            rules.Add(new("image_urls", "Give 0, 1 or 3 images (2 is not supported).",
                body => Body.Count(body, "image_urls") != 2));
            rules.Add(new("size", "Size and aspect ratio disagree; set one, or both to the same value.",
                body => !Body.Has(body, "size") || !Body.Has(body, "aspect_ratio") || Body.Text(body, "size") == Body.Text(body, "aspect_ratio")));
        }

        return new(beta ? "gemini-omni-beta" : "gemini-omni", beta ? "Gemini Omni (beta)" : "Gemini Omni", "Gemini Omni", ReApiEndpoint.Videos, OutputKind.Video, fields)
        {
            Description = beta
                ? "Google Gemini Omni on the beta channel: 4–10 s video from text, up to 7 images or a reference video; long prompts."
                : "Google Gemini Omni: 4–10 s video from text, one image, three-image fusion or a reference video; flat price per generation.",
            TypicalDuration = TimeSpan.FromSeconds(150),
            Rules = rules,
        };
    }

    private static ModelSpec MusicVideo() =>
        new("music-video-1-0", "Music Video 1.0", "Music video", ReApiEndpoint.Videos, OutputKind.Video,
        [
            Fields.Options("aspect_ratio", "Aspect ratio", "1:1", "16:9", "9:16", "4:3", "3:4"),
            Fields.Options("resolution", "Resolution", "540P", "720P", "1080P"),
            Fields.Text("name", "Name", 200),
            Fields.Prompt(3000, required: false),
            Fields.Flag("add_subtitle", "Subtitles"),
            Fields.Text("subtitle_color", "Subtitle colour") with { Pattern = "^#[0-9A-Fa-f]{6}$", Help = "#RRGGBB, for example #FFFFFF." },
            Fields.Url("srt_url", "Subtitle file", MediaKind.Subtitles, help: "Optional: a public .srt URL."),
            Fields.Urls("reference_image_urls", "Reference images", MediaKind.Image, 7, "1 to 7 public image URLs.") with { Required = true, MinItems = 1 },
            Fields.Url("audio_url", "Song", MediaKind.Audio, required: true, "A public audio URL of the song."),
        ])
        {
            Description = "Music Video 1.0: turns a song and 1–7 reference images into a music video, with optional subtitles.",
            TypicalDuration = TimeSpan.FromSeconds(240),
            Example = new() { ["reference_image_urls"] = new JsonArray(Photo), ["audio_url"] = Track, ["aspect_ratio"] = "16:9" },
        };

    /// <summary><c>image_with_roles</c>: <c>[{url, role: "first_frame" | "last_frame"}]</c>.</summary>
    private static FieldSpec FramesField() =>
        Fields.JsonArray("image_with_roles", "Frames", """[{"url": "…", "role": "first_frame"}] or "last_frame".""");

    private static CrossFieldRule FramesRule() =>
        new("image_with_roles", "Each frame needs a public url and a role of first_frame or last_frame.",
            body => Body.Items(body, "image_with_roles").All(item => item is JsonObject frame
                && Body.IsUrl(frame["url"])
                && FrameRoles.Contains(Body.Text(frame, "role"))));
}
