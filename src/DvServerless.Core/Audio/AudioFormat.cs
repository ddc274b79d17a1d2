namespace DvServerless.Core.Audio;

/// <summary>A mono audio format: sample rate and encoding. Every leg and engine in DvServerless is mono.</summary>
public readonly record struct AudioFormat(int SampleRate, AudioEncoding Encoding = AudioEncoding.Pcm16)
{
    /// <summary>PCM 24 kHz mono: ACS <c>pcm24KMono</c> and OpenAI Realtime <c>audio/pcm</c>.</summary>
    public static AudioFormat Pcm24k => new(24_000);

    /// <summary>PCM 16 kHz mono: ACS <c>pcm16KMono</c> (the ACS default).</summary>
    public static AudioFormat Pcm16k => new(16_000);

    /// <summary>PCM 8 kHz mono (telephone band).</summary>
    public static AudioFormat Pcm8k => new(8_000);

    /// <summary>Bytes per sample: 2 for PCM16, 1 for G.711.</summary>
    public int BytesPerSample => Encoding == AudioEncoding.Pcm16 ? 2 : 1;

    /// <summary>Bytes per millisecond (48 for PCM 24 kHz).</summary>
    public int BytesPerMillisecond => SampleRate * BytesPerSample / 1000;

    /// <summary>Bytes in a frame of <paramref name="milliseconds"/> (960 for 20 ms of PCM 24 kHz).</summary>
    public int FrameBytes(int milliseconds = 20) => BytesPerMillisecond * milliseconds;

    /// <summary>Duration of <paramref name="byteCount"/> bytes in milliseconds.</summary>
    public double DurationMs(long byteCount) => byteCount * 1000.0 / (SampleRate * BytesPerSample);

    /// <inheritdoc />
    public override string ToString() => $"{Encoding} {SampleRate} Hz mono";
}
