using System.Text.Json.Nodes;
using ReApi.Client.Catalog;

namespace ReApi.Client.Tests.Catalog;

public sealed class CatalogTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    public static TheoryData<string> AllIds()
    {
        var ids = new TheoryData<string>();
        foreach (var model in Catalog.Models)
        {
            ids.Add(model.Id);
        }

        return ids;
    }

    private static IReadOnlyList<RequestProblem> Validate(string json)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return RequestValidator.Validate(Catalog.Find(body["model"]!.GetValue<string>())!, body);
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void Every_example_is_a_valid_request(string id)
    {
        var model = Catalog.Find(id)!;
        Assert.Null(model.Example["model"]);
        var body = model.Example.DeepClone().AsObject();
        body["model"] = id;
        Assert.Empty(RequestValidator.Validate(model, body));
    }

    [Fact]
    public void Model_ids_are_unique()
    {
        Assert.Empty(Catalog.Models.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Theory]
    [InlineData("gpt-image-2-official", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-2.5-flash-image-preview", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-2.5-flash-image-preview-official", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-3-pro-image-preview", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-3-pro-image-preview-official", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-3.1-flash-image-preview", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("gemini-3.1-flash-image-preview-official", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("nano-banana-2-lite", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("doubao-seedream-5-0-lite", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("doubao-seedream-5-0-pro", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("qwen-image-2", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("wan2.7-image", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("wan2.7-image-pro", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("midjourney", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-upscale", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-variation", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-remix", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-inpaint", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-outpaint", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-pan", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-enhance", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-retexture", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-edit", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-remove-bg", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("mj-v7-upload-paint", ReApiEndpoint.Images, OutputKind.Image)]
    [InlineData("doubao-seedance-2.0", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.0-fast", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.0-face", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.0-fast-face", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.0-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.0-fast-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("seedance-2.0-beta", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("seedance-2.0-fast-beta", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("seedance-2.0-mini", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("doubao-seedance-2.5-face", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("kling-3-0", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("kling-3-0-turbo", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("kling-3-0-turbo-beta", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("kling-v3-motion-control", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("kling-v2-6-motion-control", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("happyhorse-1-1", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("happyhorse-1.0", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("happyhorse-1.0-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("wan2.7-video", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("wan2.7-video-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("pixverse-v6", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("viduq3-pro", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("viduq3-turbo", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("grok-imagine-1.0-video", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("grok-imagine-video-1.5-beta", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("grok-imagine-video-1.5-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("veo3.1-fast", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("veo3.1-quality", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("veo3.1-lite", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("veo3.1-fast-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("veo3.1-quality-official", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("gemini-omni", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("gemini-omni-beta", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("music-video-1-0", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("topaz-video-upscaler", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("enhance-video-1.0", ReApiEndpoint.Videos, OutputKind.Video)]
    [InlineData("mureka-v9-song", ReApiEndpoint.Audio, OutputKind.Audio)]
    [InlineData("audio-stem-separator", ReApiEndpoint.Audio, OutputKind.Audio)]
    [InlineData("audio-voice-change", ReApiEndpoint.Audio, OutputKind.Audio)]
    [InlineData("audio-multistem", ReApiEndpoint.Audio, OutputKind.Audio)]
    [InlineData("suno-music", ReApiEndpoint.Audio, OutputKind.Audio)]
    [InlineData("ai-essay-writer", ReApiEndpoint.Essay, OutputKind.Text)]
    [InlineData("humanize", ReApiEndpoint.Humanize, OutputKind.Text)]
    [InlineData("ai-text-detector", ReApiEndpoint.Detect, OutputKind.Text)]
    public void The_contract_models_are_in_the_catalog(string id, ReApiEndpoint endpoint, OutputKind output)
    {
        var model = Catalog.Find(id);
        Assert.NotNull(model);
        Assert.Equal((endpoint, output), (model.Endpoint, model.Output));
    }

    [Theory]
    [InlineData("audio-music-extractor")]
    [InlineData("audio-voice-clean")]
    [InlineData("midjourney-video")]
    public void Models_without_a_known_request_shape_are_left_out(string id)
    {
        Assert.Null(Catalog.Find(id));
    }

    [Fact]
    public void Every_enum_default_is_one_of_its_options()
    {
        var bad = Catalog.Models
            .SelectMany(m => m.Fields.Select(f => (Model: m.Id, Field: f)))
            .Where(x => x.Field.Type == FieldType.Enum && x.Field.Default is not null && !x.Field.Options.Contains(x.Field.Default.GetValue<string>()))
            .Select(x => $"{x.Model}.{x.Field.Name}");
        Assert.Empty(bad);
    }

    [Fact]
    public void Every_default_is_a_valid_value_of_its_field()
    {
        var bad = Catalog.Models
            .SelectMany(m => m.Fields.Where(f => f.Default is not null).Select(f => (Model: m, Field: f)))
            .Where(x => RequestValidator.Validate(x.Model, new JsonObject { [x.Field.Name] = x.Field.Default!.DeepClone() })
                .Any(p => p.Field == x.Field.Name && p.Kind == ProblemKind.Invalid))
            .Select(x => $"{x.Model.Id}.{x.Field.Name}");
        Assert.Empty(bad);
    }

    [Fact]
    public void Every_model_is_described_for_the_picker()
    {
        Assert.All(Catalog.Models, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.DisplayName), m.Id);
            Assert.False(string.IsNullOrWhiteSpace(m.Family), m.Id);
            Assert.False(string.IsNullOrWhiteSpace(m.Description), m.Id);
            Assert.InRange(m.TypicalDuration, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
            Assert.All(m.Fields.Where(f => f.Type == FieldType.Enum), f => Assert.NotEmpty(f.Options));
        });
    }

    [Theory]
    [InlineData("""{"model":"gpt-image-2-official","prompt":"a cat","mask_url":"https://x.example/m.png"}""", "mask_url", ProblemKind.Invalid)]
    [InlineData("""{"model":"gpt-image-2-official","prompt":"a cat","size":"1024x"}""", "size", ProblemKind.Invalid)]
    [InlineData("""{"model":"gpt-image-2-official","prompt":"a cat","size":"1:1","resolution":"4k"}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedream-5-0-lite","prompt":"a cat","n":3}""", "n", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0","prompt":"a cat","multi_shots":true}""", "multi_prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0","duration":5}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0","multi_shots":true,"multi_prompt":[{"prompt":"a","duration":13}]}""", "multi_prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0","prompt":"x","kling_elements":[{"name":"hero","element_input_urls":["https://x.example/a.png"]}]}""", "kling_elements", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0-turbo","duration":5}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"kling-3-0-turbo","first_frame_image":"https://x.example/a.png","aspect_ratio":"16:9"}""", "aspect_ratio", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","image_urls":["https://x.example/a.png"],"image_with_roles":[{"url":"https://x.example/b.png","role":"first_frame"}]}""", "image_with_roles", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","video_urls":["https://x.example/a.mp4"],"image_with_roles":[{"url":"https://x.example/b.png","role":"last_frame"}]}""", "image_with_roles", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","image_with_roles":[{"url":"https://x.example/b.png","role":"middle"}]}""", "image_with_roles", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","audio_urls":["https://x.example/a.mp3"]}""", "audio_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.0-fast","prompt":"a boat","resolution":"1080p"}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"seedance-2.0-beta","prompt":"a boat","resolution":"1080p"}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"seedance-2.0-fast-beta","prompt":"a boat","resolution":"4k"}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"seedance-2.0-beta","prompt":"a boat","first_frame_url":"https://x.example/a.png","reference_image_urls":["https://x.example/b.png"]}""", "reference_image_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"doubao-seedance-2.5-face","prompt":"a boat","duration":-1}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"veo3.1-lite","prompt":"a boat","image_urls":["https://x.example/a.png"]}""", "image_urls", ProblemKind.Unknown)]
    [InlineData("""{"model":"veo3.1-quality","prompt":"a boat","generation_type":"reference"}""", "generation_type", ProblemKind.Invalid)]
    [InlineData("""{"model":"veo3.1-fast","prompt":"a boat","resolution":"1080p","enable_gif":true}""", "enable_gif", ProblemKind.Invalid)]
    [InlineData("""{"model":"veo3.1-fast-official","prompt":"a boat","duration":5}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"veo3.1-quality-official","prompt":"a boat","last_frame_image":"https://x.example/a.png"}""", "last_frame_image", ProblemKind.Invalid)]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""", "image_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","duration":6,"video_urls":["https://x.example/a.mp4"]}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","duration":5}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","size":"9:16","aspect_ratio":"16:9"}""", "size", ProblemKind.Invalid)]
    [InlineData("""{"model":"pixverse-v6","prompt":"a boat","first_frame_image":"https://x.example/a.png"}""", "last_frame_image", ProblemKind.Invalid)]
    [InlineData("""{"model":"pixverse-v6","prompt":"a boat","first_frame_image":"https://x.example/a.png","last_frame_image":"https://x.example/b.png","duration":6}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-image","n":1}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-image","prompt":"a cat","n":6}""", "n", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-image","prompt":"a cat","resolution":"4k"}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-image-pro","prompt":"a cat","resolution":"4k","image_urls":["https://x.example/a.png"]}""", "resolution", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-image","prompt":"a cat","bbox_list":[[[0,0,10,10]]]}""", "bbox_list", ProblemKind.Invalid)]
    [InlineData("""{"model":"viduq3-pro","duration":5}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"viduq3-turbo","image_urls":["https://x.example/a.png"],"aspect_ratio":"16:9"}""", "aspect_ratio", ProblemKind.Invalid)]
    [InlineData("""{"model":"grok-imagine-1.0-video","duration":6}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"grok-imagine-video-1.5-beta","prompt":"waves"}""", "image_urls", ProblemKind.Missing)]
    [InlineData("""{"model":"grok-imagine-video-1.5-beta","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""", "image_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"happyhorse-1-1","image_urls":["https://x.example/a.png"],"reference_image_urls":["https://x.example/b.png"]}""", "reference_image_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"happyhorse-1.0","first_frame_image":"https://x.example/a.png","video_url":"https://x.example/a.mp4"}""", "first_frame_image", ProblemKind.Invalid)]
    [InlineData("""{"model":"wan2.7-video-official","media":[{"type":"poster","url":"https://x.example/a.png"}]}""", "media", ProblemKind.Invalid)]
    [InlineData("""{"model":"gemini-3.1-flash-image-preview","prompt":"x","google_image_search":true}""", "google_image_search", ProblemKind.Invalid)]
    [InlineData("""{"model":"midjourney","action":"upscale","index":1}""", "task_id", ProblemKind.Invalid)]
    [InlineData("""{"model":"midjourney","action":"imagine"}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"mj-v7","prompt":"a cat","model_params":{"speed":"relax"}}""", "model_params", ProblemKind.Invalid)]
    [InlineData("""{"model":"mj-v7-upscale","model_params":{"image_number":1}}""", "model_params", ProblemKind.Invalid)]
    [InlineData("""{"model":"mj-v7-upscale","model_params":{"task_id":"task_1234567890","image_number":4}}""", "model_params", ProblemKind.Invalid)]
    [InlineData("""{"model":"mj-v7-inpaint","model_params":{"task_id":"task_1234567890"}}""", "model_params", ProblemKind.Invalid)]
    [InlineData("""{"model":"mj-v7-remove-bg","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""", "image_urls", ProblemKind.Invalid)]
    [InlineData("""{"model":"music-video-1-0","reference_image_urls":["https://x.example/a.png"],"audio_url":"https://x.example/a.mp3","subtitle_color":"white"}""", "subtitle_color", ProblemKind.Invalid)]
    [InlineData("""{"model":"music-video-1-0","reference_image_urls":["https://x.example/a.png"]}""", "audio_url", ProblemKind.Missing)]
    [InlineData("""{"model":"suno-music","prompt":"a song","duration":120}""", "duration", ProblemKind.Invalid)]
    [InlineData("""{"model":"suno-music","custom_mode":true,"instrumental":true,"prompt":"la la"}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"suno-music","version":"V6"}""", "prompt", ProblemKind.Invalid)]
    [InlineData("""{"model":"audio-multistem","audio_url":"https://x.example/a.mp3","stem_list":[1,2]}""", "stem_list", ProblemKind.Invalid)]
    [InlineData("""{"model":"humanize","content":"too short","readability":"University","purpose":"Essay"}""", "content", ProblemKind.Invalid)]
    [InlineData("""{"model":"ai-essay-writer","input":"x","type":"Analytical","academic_level":"University"}""", "length", ProblemKind.Missing)]
    [InlineData("""{"model":"topaz-video-upscaler","video_url":"https://x.example/a.mp4","upscale_factor":2}""", "upscale_factor", ProblemKind.Invalid)]
    public void Documented_constraints_refuse_bad_requests(string json, string field, ProblemKind kind)
    {
        var problem = Assert.Single(Validate(json));
        Assert.Equal((field, kind), (problem.Field, problem.Kind));
    }

    [Theory]
    [InlineData("""{"model":"gpt-image-2-official","prompt":"a cat","size":"1536x1024","mask_url":"https://x.example/m.png","image_urls":["https://x.example/a.png"]}""")]
    [InlineData("""{"model":"doubao-seedream-5-0-lite","prompt":"a cat","n":3,"sequential_image_generation":"auto"}""")]
    [InlineData("""{"model":"kling-3-0","multi_shots":true,"multi_prompt":[{"prompt":"a door opens","duration":3},{"prompt":"a cat walks in","duration":4}]}""")]
    [InlineData("""{"model":"kling-3-0","prompt":"x","kling_elements":[{"name":"hero","element_input_urls":["https://x.example/a.png","https://x.example/b.png"]}]}""")]
    [InlineData("""{"model":"kling-3-0-turbo","first_frame_image":"https://x.example/a.png"}""")]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","image_with_roles":[{"url":"https://x.example/a.png","role":"first_frame"},{"url":"https://x.example/b.png","role":"last_frame"}]}""")]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","video_urls":["https://x.example/a.mp4"],"audio_urls":["https://x.example/a.mp3"]}""")]
    [InlineData("""{"model":"doubao-seedance-2.0","prompt":"a boat","resolution":"1080p"}""")]
    [InlineData("""{"model":"doubao-seedance-2.0-face","prompt":"a boat","resolution":"4k"}""")]
    [InlineData("""{"model":"seedance-2.0-beta","prompt":"a boat","resolution":"720p","first_frame_url":"https://x.example/a.png"}""")]
    [InlineData("""{"model":"doubao-seedance-2.5-face","prompt":"swap the jacket","duration":-1,"omni_reference_task_type":"edit","video_urls":["https://x.example/a.mp4"]}""")]
    [InlineData("""{"model":"veo3.1-quality","prompt":"a boat","generation_type":"frame","image_urls":["https://x.example/a.png"]}""")]
    [InlineData("""{"model":"veo3.1-fast","prompt":"a boat","resolution":"720p","enable_gif":true}""")]
    [InlineData("""{"model":"veo3.1-fast-official","prompt":"a boat","duration":6,"first_frame_image":"https://x.example/a.png","last_frame_image":"https://x.example/b.png"}""")]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","image_urls":["https://x.example/a.png","https://x.example/b.png","https://x.example/c.png"]}""")]
    [InlineData("""{"model":"gemini-omni","prompt":"a boat","video_urls":["https://x.example/a.mp4"],"size":"16:9","aspect_ratio":"16:9"}""")]
    [InlineData("""{"model":"gemini-omni-beta","prompt":"a boat","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""")]
    [InlineData("""{"model":"pixverse-v6","prompt":"a boat","first_frame_image":"https://x.example/a.png","last_frame_image":"https://x.example/b.png","duration":8}""")]
    [InlineData("""{"model":"wan2.7-image","image_urls":["https://x.example/a.png"],"bbox_list":[[[0,0,10,10]]]}""")]
    [InlineData("""{"model":"wan2.7-image","prompt":"a cat","n":6,"enable_sequential":true}""")]
    [InlineData("""{"model":"wan2.7-image-pro","prompt":"a cat","resolution":"4k","color_palette":[{"hex":"#FF0000","ratio":"50%"},{"hex":"#00FF00","ratio":"30%"},{"hex":"#0000FF","ratio":"20%"}]}""")]
    [InlineData("""{"model":"viduq3-pro","image_urls":["https://x.example/a.png","https://x.example/b.png"]}""")]
    [InlineData("""{"model":"grok-imagine-video-1.5-beta","image_urls":["https://x.example/a.png"]}""")]
    [InlineData("""{"model":"happyhorse-1.0","video_url":"https://x.example/a.mp4","audio_setting":"origin"}""")]
    [InlineData("""{"model":"wan2.7-video-official","media":[{"type":"first_frame","url":"https://x.example/a.png"},{"type":"driving_audio","url":"https://x.example/a.mp3","reference_voice":"https://x.example/v.mp3"}]}""")]
    [InlineData("""{"model":"gemini-3.1-flash-image-preview","prompt":"x","google_search":true,"google_image_search":true}""")]
    [InlineData("""{"model":"midjourney","action":"upscale","task_id":"task_1234567890","index":2}""")]
    [InlineData("""{"model":"mj-v7-inpaint","model_params":{"task_id":"task_1234567890","mask":{"areas":[{"width":1024,"height":1024,"points":[0,0,512,0,512,512]}]}}}""")]
    [InlineData("""{"model":"music-video-1-0","reference_image_urls":["https://x.example/a.png"],"audio_url":"https://x.example/a.mp3","subtitle_color":"#FFCC00"}""")]
    [InlineData("""{"model":"suno-music","custom_mode":true,"prompt":"[Verse] la la","style":"folk","title":"Rain","duration":120}""")]
    [InlineData("""{"model":"suno-music","custom_mode":true,"instrumental":true,"style":"ambient piano"}""")]
    public void Documented_constraints_accept_good_requests(string json)
    {
        Assert.Empty(Validate(json));
    }

    [Fact]
    public void Json_arrays_below_their_minimum_say_how_many_are_needed()
    {
        var problem = Assert.Single(Validate("""{"model":"wan2.7-image","prompt":"a cat","color_palette":[{"hex":"#FF0000","ratio":"50%"},{"hex":"#00FF00","ratio":"50%"}]}"""));
        Assert.Equal("Colour palette needs at least 3 items (it has 2).", problem.Message);
    }

    [Fact]
    public void Url_lists_above_their_maximum_say_the_limit()
    {
        var urls = string.Join(",", Enumerable.Range(0, 4).Select(i => $"\"https://x.example/{i}.png\""));
        var problem = Assert.Single(Validate($$"""{"model":"gemini-omni","prompt":"x","image_urls":[{{urls}}]}"""));
        Assert.Equal("Images takes at most 3 URLs (it has 4).", problem.Message);
    }

    [Fact]
    public void The_text_detector_takes_at_most_30000_words()
    {
        var model = Catalog.Find("ai-text-detector")!;
        string Words(int count) => string.Join(' ', Enumerable.Repeat("word", count));

        Assert.Empty(RequestValidator.Validate(model, new JsonObject { ["text"] = Words(30_000) }));
        Assert.Equal("text", Assert.Single(RequestValidator.Validate(model, new JsonObject { ["text"] = Words(30_001) })).Field);
    }

    [Fact]
    public void Text_tools_use_their_own_main_field_instead_of_prompt()
    {
        Assert.Equal(new[] { "input", "content", "text" }, new[] { "ai-essay-writer", "humanize", "ai-text-detector" }.Select(id => Catalog.Find(id)!.Fields[0].Name));
        Assert.All(new[] { "ai-essay-writer", "humanize", "ai-text-detector" }, id => Assert.Null(Catalog.Find(id)!.Field("prompt")));
    }

    [Fact]
    public void Every_media_field_says_what_media_it_takes()
    {
        var media = Catalog.Models.SelectMany(m => m.Fields).Where(f => f.Type is FieldType.Url or FieldType.UrlList).ToList();

        Assert.NotEmpty(media);
        Assert.All(media, f => Assert.NotNull(f.Accepts));
        Assert.All(Catalog.Models.SelectMany(m => m.Fields).Where(f => f.Type is not (FieldType.Url or FieldType.UrlList)), f => Assert.Null(f.Accepts));
    }

    [Theory]
    [InlineData("topaz-video-upscaler", "video_url", MediaKind.Video)]
    [InlineData("kling-v2-6-motion-control", "image_url", MediaKind.Image)]
    [InlineData("kling-v2-6-motion-control", "video_url", MediaKind.Video)]
    [InlineData("audio-stem-separator", "audio_url", MediaKind.Audio)]
    public void A_media_input_goes_to_the_field_that_takes_its_kind(string modelId, string field, MediaKind kind) =>
        Assert.Equal(field, Catalog.Find(modelId)!.InputFieldFor(kind)?.Name);

    [Fact]
    public void Earlier_outputs_are_offered_to_the_models_that_use_them()
    {
        var forImage = Catalog.PreferredFor(MediaKind.Image)!;
        Assert.Equal(OutputKind.Video, forImage.Output); // an image becomes a video's first frame
        Assert.NotNull(forImage.InputFieldFor(MediaKind.Image));
        Assert.Equal("audio-stem-separator", Catalog.PreferredFor(MediaKind.Audio)!.Id);
        foreach (var kind in Enum.GetValues<MediaKind>())
        {
            // Never a beta, never a placeholder price: the banner then quotes a price an admin has not checked.
            var preferred = Catalog.PreferredFor(kind)!;
            Assert.False(ModelCatalog.IsBeta(preferred), $"{kind}: {preferred.Id}");
            var anyPublished = Catalog.Models.Any(m => m.InputFieldFor(kind) is not null && ReApi.Client.Pricing.PriceList.For(m).Published);
            Assert.True(!anyPublished || ReApi.Client.Pricing.PriceList.For(preferred).Published, $"{kind}: {preferred.Id}");
        }
        Assert.Null(Catalog.Find("gpt-image-2")!.InputFieldFor(MediaKind.Audio));
    }
}
