using ReApiWeb.Data;
using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class OutputFileNamesTests
{
    [Theory]
    [InlineData("flux-2", "Red fox in snow", OutputMediaKind.Image, 0, "image/png", "flux-2-red-fox-in-snow-1.png")]
    [InlineData("wan2.7-video", "Crème brûlée, à la française", OutputMediaKind.Video, 1, "video/mp4", "wan2-7-video-creme-brulee-a-la-francaise-2.mp4")]
    [InlineData("doubao-seedance-2.0", "boat", OutputMediaKind.LastFrame, 0, "image/png", "doubao-seedance-2-0-boat-last-frame.png")]
    [InlineData("humanize", "", OutputMediaKind.Audio, 2, "audio/mpeg", "humanize-3.mp3")]
    [InlineData("z-image", "a very long prompt that goes on and on about a lighthouse at dawn", OutputMediaKind.Image, 0, null, "z-image-a-very-long-prompt-that-goes-on-and-on-1.bin")]
    public void A_file_is_named_after_its_model_prompt_and_number(string model, string prompt, OutputMediaKind kind, int index, string? contentType, string expected) =>
        Assert.Equal(expected, OutputFileNames.For(model, prompt, kind, index, contentType, "stored/0.bin"));
}
