using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReApi.Client.Catalog;

/// <summary>Music and audio tools (<c>POST /audio/generations</c>, output <c>audio_urls</c> and <c>tracks</c>), from CONTRACT §3.3.</summary>
internal static class AudioModels
{
    private const string Track = "https://files.example.org/in/track.mp3";

    private static readonly string[] Splitters = ["auto", "andromeda", "perseus", "orion", "phoenix", "lyra", "lynx"];

    private static readonly string[] EncoderFormats = ["mp3", "wav", "flac", "aac", "ogg"];

    public static IEnumerable<ModelSpec> All()
    {
        yield return new ModelSpec("mureka-v9-song", "Mureka V9 Song", "Mureka", ReApiEndpoint.Audio, OutputKind.Audio,
        [
            Fields.Text("lyrics", "Lyrics", 3000, required: true, multiline: true) with { MinLength = 1, Help = "Section tags like [Verse] and [Chorus] are allowed." },
            Fields.Text("prompt", "Style", 1024, multiline: true) with { Help = "Optional: genre, mood, voice." },
            Fields.Integer("number_of_songs", "Songs", 1, 3, 1) with { Help = "The price scales with the number of songs." },
            Fields.Choice("output_format", "Output format", "mp3", "mp3", "wav", "flac"),
            Fields.Text("reference_id", "Reference id") with { Help = "An id minted by Mureka (reAPI does not proxy uploads)." },
            Fields.Text("vocal_id", "Vocal id") with { Help = "An id minted by Mureka." },
            Fields.Text("melody_id", "Melody id") with { Help = "An id minted by Mureka." },
        ])
        {
            Description = "Mureka V9: full songs from lyrics and a style prompt, up to 3 per job.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Example = new() { ["lyrics"] = "[Verse]\nStreetlights hum along the bay\n[Chorus]\nStay, stay, stay", ["prompt"] = "lo-fi indie pop, soft male vocal" },
        };
        yield return new ModelSpec("audio-stem-separator", "Vocal Remover", "Audio tools", ReApiEndpoint.Audio, OutputKind.Audio,
        [
            SourceAudio(),
            Fields.Choice("stem", "Stem", "vocals", "vocals") with { Required = true },
            Fields.Options("splitter", "Splitter", Splitters),
            Fields.Choice("extraction_level", "Extraction level", "deep_extraction", "deep_extraction", "clear_cut"),
            Fields.Options("multivocal", "Multiple vocals", "lead_back"),
            Fields.Flag("dereverb_enabled", "Remove reverb"),
            Fields.Options("encoder_format", "Output format", EncoderFormats),
        ])
        {
            Description = "Vocal remover: splits a track into vocals and the rest, labelled tracks; $0.20 per started source minute.",
            TypicalDuration = TimeSpan.FromSeconds(60),
            Example = new() { ["audio_url"] = Track, ["stem"] = "vocals", ["encoder_format"] = "wav" },
        };
        yield return new ModelSpec("audio-voice-change", "Voice Changer", "Audio tools", ReApiEndpoint.Audio, OutputKind.Audio,
        [
            SourceAudio(),
            Fields.Text("voice_pack_id", "Voice pack id", required: true),
            Fields.Number("accent", "Accent", 0, 1, 1),
            Fields.Choice("tonality_reference", "Tonality reference", "source_file", "source_file", "voice_pack"),
            Fields.Flag("dereverb_enabled", "Remove reverb"),
            Fields.Options("encoder_format", "Output format", EncoderFormats),
        ])
        {
            Description = "Voice changer: re-sings a track with a voice pack (track label converted_mix); $0.20 per started minute.",
            TypicalDuration = TimeSpan.FromSeconds(60),
            Example = new() { ["audio_url"] = Track, ["voice_pack_id"] = "voice-pack-1" },
        };
        yield return new ModelSpec("audio-multistem", "Multistem Splitter", "Audio tools", ReApiEndpoint.Audio, OutputKind.Audio,
        [
            SourceAudio(),
            Fields.JsonArray("stem_list", "Stems", """The stems to split out, for example ["vocals", "drum", "bass"].""") with { Required = true },
            Fields.Choice("splitter", "Splitter", "auto", Splitters),
            Fields.Options("extraction_level", "Extraction level", "deep_extraction", "clear_cut"),
            Fields.Options("encoder_format", "Output format", EncoderFormats),
        ])
        {
            Description = "Multistem splitter: returns each chosen stem plus a no_multistem remainder; $0.20 per stem-minute.",
            TypicalDuration = TimeSpan.FromSeconds(90),
            Example = new() { ["audio_url"] = Track, ["stem_list"] = new JsonArray("vocals", "drum", "bass") },
            Rules =
            [
                new CrossFieldRule("stem_list", "Stems must be a list of names, for example [\"vocals\", \"drum\"].",
                    body => Body.Items(body, "stem_list").All(stem => stem is JsonValue v && v.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetValue<string>()))),
            ],
        };
        yield return new ModelSpec("suno-music", "Suno Music", "Suno", ReApiEndpoint.Audio, OutputKind.Audio,
        [
            Fields.Options("version", "Version", "V6", "V6_MINI", "V6_WILD"),
            Fields.Flag("custom_mode", "Custom mode", "Write the lyrics, style and title yourself."),
            Fields.Flag("instrumental", "Instrumental"),
            Fields.Prompt(5000, required: false) with { Help = "A description (up to 3,000 characters), or the lyrics in custom mode; leave it out for a custom instrumental." },
            Fields.Text("style", "Style", 1000),
            Fields.Text("title", "Title", 80),
            Fields.Integer("duration", "Duration (seconds)", 10, 360) with { Help = "Custom mode only." },
        ])
        {
            Description = "Suno: songs from a description, or from your own lyrics, style and title in custom mode; several tracks per job.",
            TypicalDuration = TimeSpan.FromSeconds(120),
            Example = new() { ["prompt"] = "a warm acoustic folk song about the first autumn rain", ["version"] = "V6" },
            Rules =
            [
                new CrossFieldRule("prompt", "A description is required outside custom mode.",
                    body => Body.IsTrue(body, "custom_mode") || Body.Has(body, "prompt")),
                new CrossFieldRule("prompt", "A description can be at most 3000 characters (lyrics in custom mode up to 5000).",
                    body => Body.IsTrue(body, "custom_mode") || (Body.Text(body, "prompt")?.Length ?? 0) <= 3000),
                new CrossFieldRule("prompt", "Leave the prompt out for a custom instrumental.",
                    body => !(Body.IsTrue(body, "custom_mode") && Body.IsTrue(body, "instrumental")) || !Body.Has(body, "prompt")),
                new CrossFieldRule("duration", "The duration is for custom mode only.",
                    body => body["duration"] is null || Body.IsTrue(body, "custom_mode")),
            ],
        };
    }

    private static FieldSpec SourceAudio() => Fields.Url("audio_url", "Audio", MediaKind.Audio, required: true, "A public audio URL of the source track.");
}
