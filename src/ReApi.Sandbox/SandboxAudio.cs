namespace ReApi.Sandbox;

/// <summary>Writes the WAV a sandbox audio task "generated": a short chord whose pitch follows the task and track.</summary>
public static class SandboxAudio
{
    private const int SampleRate = 16_000;

    public static byte[] RenderWav(SandboxTask task, int index, TimeSpan length)
    {
        var samples = (int)(SampleRate * length.TotalSeconds);
        var root = 220 * Math.Pow(2, (Math.Abs(StringComparer.Ordinal.GetHashCode(task.Id)) % 12 + index * 3) / 12.0);
        using var stream = new MemoryStream(44 + (samples * 2));
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + (samples * 2));
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1); // PCM
        writer.Write((short)1); // mono
        writer.Write(SampleRate);
        writer.Write(SampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / SampleRate;
            var envelope = Math.Min(1, Math.Min(t * 20, (length.TotalSeconds - t) * 20));
            var value = (Math.Sin(2 * Math.PI * root * t) + (0.5 * Math.Sin(2 * Math.PI * root * 1.25 * t)) + (0.4 * Math.Sin(2 * Math.PI * root * 1.5 * t))) / 1.9;
            writer.Write((short)(value * envelope * short.MaxValue * 0.6));
        }

        writer.Flush();
        return stream.ToArray();
    }
}
