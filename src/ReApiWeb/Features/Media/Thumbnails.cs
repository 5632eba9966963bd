using System.Diagnostics;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using SkiaSharp;

namespace ReApiWeb.Features.Media;

/// <summary>
/// Makes the small preview the gallery shows for an archived output, once, beside the archived file: images are scaled
/// with SkiaSharp; a video's frame and an audio file's waveform come from ffmpeg when it is installed. Without ffmpeg
/// (or for a file no tool can read) there is no preview and the gallery shows a neutral poster for the kind.
/// </summary>
public sealed partial class Thumbnails(IOptions<StorageOptions> storage, ILogger<Thumbnails> logger)
{
    /// <summary>The longest side of a preview, in pixels (tiles are at most about 300 CSS pixels wide).</summary>
    public const int MaxSide = 480;

    /// <summary>Stored on an output for which no preview can be made, so it is not tried again.</summary>
    public const string None = "";

    private const string Suffix = ".thumb.webp";

    private static readonly Lazy<string?> Ffmpeg = new(FindFfmpeg);

    /// <summary>Whether video frames and waveforms can be made (ffmpeg is on the PATH).</summary>
    public static bool CanReadVideoAndAudio => Ffmpeg.Value is not null;

    /// <summary>Whether a preview of <paramref name="kind"/> can be made on this machine.</summary>
    public static bool CanPreview(OutputMediaKind kind) => kind is OutputMediaKind.Image or OutputMediaKind.LastFrame || CanReadVideoAndAudio;

    /// <summary>
    /// Makes the preview of the archived file at <paramref name="storagePath"/> (relative to the outputs folder) and
    /// returns its relative path, or <see cref="None"/> when none can be made (the reason is logged).
    /// </summary>
    public async Task<string> MakeAsync(string storagePath, OutputMediaKind kind, CancellationToken cancellationToken)
    {
        var root = storage.Value.ResolvedOutputsDirectory;
        var source = Path.Combine(root, storagePath);
        var relative = Path.ChangeExtension(storagePath, null) + Suffix;
        var target = Path.Combine(root, relative);
        try
        {
            var made = kind switch
            {
                OutputMediaKind.Image or OutputMediaKind.LastFrame => await Task.Run(() => FromImage(source, target), cancellationToken),
                OutputMediaKind.Video => await FromFfmpegAsync(source, target, ["-ss", "0.5", "-i", source, "-frames:v", "1", "-vf", $"scale='min({MaxSide},iw)':-2"], cancellationToken)
                    || await FromFfmpegAsync(source, target, ["-i", source, "-frames:v", "1", "-vf", $"scale='min({MaxSide},iw)':-2"], cancellationToken),
                OutputMediaKind.Audio => await FromFfmpegAsync(source, target, ["-i", source, "-filter_complex", $"showwavespic=s={MaxSide}x{MaxSide / 3}:colors=0x3949ab", "-frames:v", "1"], cancellationToken),
                _ => false,
            };
            return made ? relative : None;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            File.Delete(target);
            LogFailed(storagePath, e.Message);
            return None;
        }
    }

    /// <summary>Scales an image down to <see cref="MaxSide"/> (never up) and stores it as WebP. False when it cannot be decoded.</summary>
    public static bool FromImage(string source, string target)
    {
        using var codec = SKCodec.Create(source);
        if (codec is null)
        {
            return false;
        }

        // Decode at the smallest size the codec offers that is still at least the preview's size (JPEG decodes at 1/2, 1/4, 1/8).
        var info = codec.Info;
        var scale = Math.Min(1f, (float)MaxSide / Math.Max(info.Width, info.Height));
        var decodeSize = codec.GetScaledDimensions(Math.Max(scale, 1f / 8));
        using var decoded = SKBitmap.Decode(codec, new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (decoded is null)
        {
            return false;
        }

        var width = Math.Max(1, (int)Math.Round(info.Width * scale));
        var height = Math.Max(1, (int)Math.Round(info.Height * scale));
        using var resized = width == decoded.Width && height == decoded.Height
            ? decoded.Copy()
            : decoded.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Webp, 80);
        var partial = target + ".part";
        using (var file = File.Create(partial))
        {
            data.SaveTo(file);
        }

        File.Move(partial, target, overwrite: true);
        return true;
    }

    /// <summary>Runs ffmpeg to write one PNG frame, then stores it as WebP. False without ffmpeg or when ffmpeg fails.</summary>
    private async Task<bool> FromFfmpegAsync(string source, string target, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (Ffmpeg.Value is not { } ffmpeg)
        {
            return false;
        }

        var frame = target + ".frame.png";
        var start = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-v", "error", "-nostdin", "-y", .. arguments, frame])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                LogFailed(source, "ffmpeg took longer than 60 s");
                return false;
            }

            if (process.ExitCode != 0 || !File.Exists(frame))
            {
                LogFailed(source, $"ffmpeg exited with {process.ExitCode}: {(await errors).Trim()}");
                return false;
            }

            return FromImage(frame, target);
        }
        finally
        {
            File.Delete(frame);
        }
    }

    private static string? FindFfmpeg() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "ffmpeg"))
            .FirstOrDefault(File.Exists);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No preview for {File}: {Reason}")]
    private partial void LogFailed(string file, string reason);
}
