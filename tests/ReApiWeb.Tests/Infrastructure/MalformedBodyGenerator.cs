using System.Text;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Generates request bodies for the reAPI-compatible API that no catalog model accepts: broken JSON, bad UTF-8, lone
/// surrogates, duplicate keys, deep nesting, huge fields and wrong types, each on one of the submission routes.
/// Seeded, so a failure names a body that can be generated again.
/// </summary>
public static class MalformedBodyGenerator
{
    private static readonly string[] Paths =
    [
        "/api/v1/images/generations", "/api/v1/videos/generations", "/api/v1/audio/generations", "/api/v1/essay", "/api/v1/humanize", "/api/v1/detect",
    ];

    private static readonly string[] Models = ["z-image", "gpt-image-2", "kling-3-0", "mureka-v9-song", "humanize", "ai-essay-writer", "ai-text-detector"];

    private static readonly string[] WrongValues = ["123", "-1.5e308", "true", "null", "[]", "{}", """["a","b"]""", """{"x":{"y":1}}""", "1e999"];

    public static IEnumerable<(string Path, byte[] Body)> Generate(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var path = Paths[random.Next(Paths.Length)];
            var model = Models[random.Next(Models.Length)];
            yield return (path, (i % 10) switch
            {
                0 => Utf8($$"""{"model":"{{model}}","prompt":"a","{{Pick(random, "prompt", "model", "size")}}":"b"}"""),
                1 => WithBadUtf8(random, $$"""{"model":"{{model}}","prompt":"a fox in the snow"}"""),
                2 => Utf8($$"""{"model":"{{model}}","prompt":"a {{Pick(random, "\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d")}} fox"}"""),
                3 => Utf8($$"""{"model":"{{model}}","prompt":"a fox","x":{{new string('[', 65 + random.Next(3000))}}"""),
                4 => Utf8($$"""{"model":"{{model}}","prompt":"{{new string('a', 20_001 + random.Next(400_000))}}","{{Pick(random, "style", "reference_id", "negative_prompt")}}":"x"}"""),
                5 => Utf8($$"""{"model":"{{model}}","prompt":{{WrongValues[random.Next(WrongValues.Length)]}}}"""),
                6 => Utf8($$"""{"model":{{WrongValues[random.Next(WrongValues.Length)]}},"prompt":"a fox"}"""),
                7 => Utf8(Pick(random, "", " ", "[]", "\"text\"", "42", "null", "{", "{\"model\":", "{\"model\":\"z-image\",}", "{'model':'z-image'}", "{\"model\":\"z-image\"/*c*/}", "{\"model\":NaN}")),
                8 => RandomBytes(random),
                _ => Utf8($$"""{"model":"{{model}}","prompt":"a fox","{{Pick(random, "unknown_field", "\u0000", "__proto__", "model ")}}":{{WrongValues[random.Next(WrongValues.Length)]}}}"""),
            });
        }
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] WithBadUtf8(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        byte[][] bad = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF]];
        var at = json.IndexOf("fox", StringComparison.Ordinal);
        bytes.InsertRange(at, bad[random.Next(bad.Length)]);
        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[1 + random.Next(2000)];
        random.NextBytes(bytes);
        bytes[0] = (byte)'{';
        return bytes;
    }
}
