namespace DvServerless.Benchmarks.Frames;

/// <summary>
/// What the frame-path benchmarks need of a resampler: one chunk in, the converted audio out (valid until the next call).
/// Lets the same benchmark body run the product's resampling buffer and the float implementation it replaced.
/// </summary>
public interface IFrameResampler : IDisposable
{
    /// <summary>Converts <paramref name="input"/> and returns the converted audio, valid until the next call.</summary>
    ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> input);
}
