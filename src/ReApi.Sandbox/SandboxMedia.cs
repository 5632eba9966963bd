using SkiaSharp;

namespace ReApi.Sandbox;

/// <summary>Draws the PNG a sandbox image task "generated": a gradient in the task's colours with the prompt written on it.</summary>
public static class SandboxMedia
{
    private static readonly Lazy<byte[]> ClipBytes = new(() =>
    {
        using var stream = typeof(SandboxMedia).Assembly.GetManifestResourceStream("ReApi.Sandbox.Media.sandbox-clip.mp4")
            ?? throw new InvalidOperationException("The sandbox clip is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>A short H.264 test clip (made with ffmpeg's test pattern) served for every sandbox video.</summary>
    public static byte[] Clip() => ClipBytes.Value;

    public static byte[] RenderImage(SandboxTask task, int index)
    {
        var (width, height) = Dimensions(task.Request["size"]?.ToString() ?? task.Request["aspect_ratio"]?.ToString() ?? task.Request["image_size"]?.ToString());
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        var hue = (float)(Math.Abs(StringComparer.Ordinal.GetHashCode(task.Id + index)) % 360);
        using (var background = new SKPaint())
        {
            background.Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width, height),
                [SKColor.FromHsl(hue, 55, 35), SKColor.FromHsl((hue + 60) % 360, 60, 55)],
                SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
        }

        using var font = new SKFont(SKTypeface.Default, 26);
        using var small = new SKFont(SKTypeface.Default, 16);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        var y = 48f;
        var text = task.Prompt.Length > 0 ? task.Prompt : task.Model.DisplayName;
        foreach (var line in Wrap(text, font, width - 48).Take((height - 96) / 32))
        {
            canvas.DrawText(line, 24, y, SKTextAlign.Left, font, ink);
            y += 32;
        }

        canvas.DrawText($"{task.Model.Id} · sandbox · #{index + 1}", 24, height - 24, SKTextAlign.Left, small, ink);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private static (int Width, int Height) Dimensions(string? ratio)
    {
        var parts = ratio?.Split(':');
        if (parts is [var w, var h] && double.TryParse(w, out var rw) && double.TryParse(h, out var rh) && rw > 0 && rh > 0)
        {
            const int longSide = 640;
            return rw >= rh ? (longSide, (int)(longSide * rh / rw)) : ((int)(longSide * rw / rh), longSide);
        }

        return (512, 512);
    }

    private static IEnumerable<string> Wrap(string text, SKFont font, float maxWidth)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (font.MeasureText(candidate) > maxWidth && line.Length > 0)
            {
                yield return line;
                candidate = word;
            }

            line = candidate;
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
