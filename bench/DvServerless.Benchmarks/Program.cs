using BenchmarkDotNet.Running;
using DvServerless.Benchmarks.Frames;

namespace DvServerless.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, e.g. <c>--filter '*Resampler*' --job short</c>; or, with
/// <c>--write-frames DIR</c>, writes the frame-path benchmark's wire frames for its Node peer and exits.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args)
    {
        if (args is ["--write-frames", var directory])
        {
            BenchFrames.WriteTo(directory);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
