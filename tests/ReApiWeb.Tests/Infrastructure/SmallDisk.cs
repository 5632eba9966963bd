using System.Diagnostics;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// A tiny file system of its own (tmpfs, mounted as root like CI runs), to see what the app does when its disk fills
/// up. <see cref="Fill"/> takes every byte that is left.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(long bytes)
    {
        var path = TestApp.NewDataDirectory();
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a filler file until the disk has no space left.</summary>
    public void Fill()
    {
        using var filler = File.Create(System.IO.Path.Combine(Path, $"filler-{Guid.NewGuid():N}"));
        var block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {error} (these tests mount a small tmpfs and need root, as CI has).");
        }
    }
}
