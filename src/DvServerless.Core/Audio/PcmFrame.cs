namespace DvServerless.Core.Audio;

/// <summary>
/// A frame of mono audio: its format, its bytes and, optionally, where it sits in the stream. A value type over
/// borrowed memory, so passing frames around costs nothing; whoever owns the memory decides its lifetime.
/// </summary>
public readonly struct PcmFrame
{
    /// <summary>Wraps <paramref name="data"/> in <paramref name="format"/>, optionally stamped with its stream position.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> does not hold a whole number of samples.</exception>
    public PcmFrame(AudioFormat format, ReadOnlyMemory<byte> data, TimeSpan? timestamp = null)
    {
        if (format.SampleRate <= 0)
        {
            throw new ArgumentException($"The sample rate must be positive, not {format.SampleRate}.", nameof(format));
        }

        if (data.Length % format.BytesPerSample != 0)
        {
            throw new ArgumentException($"{data.Length} bytes is not a whole number of {format} samples.", nameof(data));
        }

        Format = format;
        Data = data;
        Timestamp = timestamp;
    }

    /// <summary>The format of <see cref="Data"/>.</summary>
    public AudioFormat Format { get; }

    /// <summary>The audio bytes (little-endian samples for PCM16).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The audio bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => Data.Span;

    /// <summary>Where the frame starts in its stream (e.g. the ACS media timestamp), when known.</summary>
    public TimeSpan? Timestamp { get; }

    /// <summary>True when the frame holds no samples.</summary>
    public bool IsEmpty => Data.IsEmpty;

    /// <summary>Number of samples in the frame.</summary>
    public int SampleCount => Format.BytesPerSample == 0 ? 0 : Data.Length / Format.BytesPerSample;

    /// <summary>Duration of the frame, exact to the 100 ns tick.</summary>
    public TimeSpan Duration => Format.SampleRate <= 0
        ? TimeSpan.Zero
        : TimeSpan.FromTicks(SampleCount * TimeSpan.TicksPerSecond / Format.SampleRate);

    /// <summary>Duration of the frame in milliseconds.</summary>
    public double DurationMs => Format.SampleRate <= 0 ? 0 : SampleCount * 1000.0 / Format.SampleRate;

    /// <summary>Number of samples in <paramref name="milliseconds"/> of audio at <paramref name="sampleRate"/>.</summary>
    public static int SamplesIn(int sampleRate, int milliseconds) => (int)((long)sampleRate * milliseconds / 1000);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Format}, {SampleCount} samples ({DurationMs:0.##} ms){(Timestamp is { } at ? $" at {at}" : "")}";
}
