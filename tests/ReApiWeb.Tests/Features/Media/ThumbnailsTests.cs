using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Media;
using ReApiWeb.Tests.Infrastructure;
using SkiaSharp;

namespace ReApiWeb.Tests.Features.Media;

/// <summary>Previews made once beside the archive: images scaled with SkiaSharp, a video's frame and a waveform with ffmpeg.</summary>
public sealed class ThumbnailsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("reapiweb-thumbs-").FullName;

    private Thumbnails Thumbnails => new(Options.Create(new StorageOptions { OutputsDirectory = _root }), NullLogger<Thumbnails>.Instance);

    private string Write(string relative, byte[] bytes)
    {
        var full = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return relative;
    }

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.OrangeRed);
        }

        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    private SKCodec Preview(string relative) => SKCodec.Create(Path.Combine(_root, relative));

    [Fact]
    public async Task An_image_is_scaled_to_the_preview_size_keeping_its_shape_and_stored_as_webp_beside_it()
    {
        var stored = Write("job1/image-0.png", Png(1600, 1000));

        var preview = await Thumbnails.MakeAsync(stored, OutputMediaKind.Image, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine("job1", "image-0.thumb.webp"), preview);
        using var codec = Preview(preview);
        Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
        Assert.Equal((Thumbnails.MaxSide, 300), (codec.Info.Width, codec.Info.Height));
    }

    [Fact]
    public async Task A_small_image_is_not_enlarged()
    {
        var preview = await Thumbnails.MakeAsync(Write("job2/image-0.png", Png(64, 32)), OutputMediaKind.Image, TestContext.Current.CancellationToken);

        using var codec = Preview(preview);
        Assert.Equal((64, 32), (codec.Info.Width, codec.Info.Height));
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_gets_no_preview_and_no_error()
    {
        var preview = await Thumbnails.MakeAsync(Write("job3/image-0.png", "<html>not an image</html>"u8.ToArray()), OutputMediaKind.Image, TestContext.Current.CancellationToken);

        Assert.Equal(Thumbnails.None, preview);
        Assert.False(File.Exists(Path.Combine(_root, "job3", "image-0.thumb.webp")));
    }

    [Fact]
    public async Task A_video_gets_a_frame_and_an_audio_file_a_waveform_with_ffmpeg()
    {
        Assert.True(Thumbnails.CanReadVideoAndAudio, "ffmpeg is not installed: the README's test command installs it");
        await using var clip = typeof(ReApi.Sandbox.SandboxMedia).Assembly.GetManifestResourceStream("ReApi.Sandbox.Media.sandbox-clip.mp4")!;
        using var copy = new MemoryStream();
        await clip.CopyToAsync(copy, TestContext.Current.CancellationToken);

        var frame = await Thumbnails.MakeAsync(Write("job4/video-0.mp4", copy.ToArray()), OutputMediaKind.Video, TestContext.Current.CancellationToken);
        var waveform = await Thumbnails.MakeAsync(Write("job5/audio-0.wav", Wav(seconds: 1)), OutputMediaKind.Audio, TestContext.Current.CancellationToken);

        using (var codec = Preview(frame))
        {
            Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
            Assert.True(codec.Info.Width is > 0 and <= Thumbnails.MaxSide);
        }

        using (var codec = Preview(waveform))
        {
            Assert.Equal((Thumbnails.MaxSide, Thumbnails.MaxSide / 3), (codec.Info.Width, codec.Info.Height));
        }
    }

    /// <summary>A mono 16-bit 8 kHz sine wave.</summary>
    private static byte[] Wav(int seconds)
    {
        const int rate = 8000;
        var samples = rate * seconds;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(rate);
        writer.Write(rate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            writer.Write((short)(Math.Sin(i * 2 * Math.PI * 440 / rate) * 12000));
        }

        writer.Flush();
        return stream.ToArray();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>The archiver makes the preview when it copies an output, and the app serves it to whoever may see the output, cached.</summary>
public sealed class ArchivedPreviewTests() : SandboxedAppTest("rk_live_preview_tests", TimeSpan.FromMilliseconds(200))
{
    [Fact]
    public async Task An_archived_image_has_a_preview_served_privately_with_caching_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await App.AddLocalUserAsync("owner@test.local", "owner-password-1");
        var result = await App.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
            owner, new JobRequest("z-image", new JsonObject { ["prompt"] = "a fox with a preview" }, Guid.NewGuid()), CancellationToken.None);
        var job = await App.WaitForJobAsync(result.JobId!.Value, j => j.Outputs.Count > 0 && j.Outputs.All(o => o.ThumbnailPath != null));
        var output = job.Outputs[0];
        Assert.NotEqual(Thumbnails.None, output.ThumbnailPath);
        using var browser = await App.SignedInClientAsync("owner@test.local", "owner-password-1");

        using var response = await browser.GetAsync($"/outputs/{output.Id}/thumbnail", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Private: true, MaxAge.TotalHours: 24 });
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/outputs/{output.Id}/thumbnail");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await browser.SendAsync(again, ct)).StatusCode);
        await using var db = await App.DbAsync();
        Assert.True(File.Exists(Path.Combine(DataDirectory, "outputs", output.ThumbnailPath!)));
        Assert.Equal(1, await db.JobOutputs.CountAsync(o => o.Id == output.Id && o.StoragePath != null, ct));
    }
}
