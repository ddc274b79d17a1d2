namespace DvServerless.Core.Audio;

/// <summary>Audio read from a WAV file, always decoded to PCM16 mono.</summary>
/// <param name="Format">The audio's format: PCM16 at the file's sample rate.</param>
/// <param name="Pcm">PCM16 little-endian mono samples.</param>
/// <param name="SourceChannels">How many channels the file had before the downmix to mono.</param>
/// <param name="SourceEncoding">How the file stored its samples (PCM16, μ-law or A-law).</param>
public sealed record WavAudio(AudioFormat Format, byte[] Pcm, int SourceChannels = 1, AudioEncoding SourceEncoding = AudioEncoding.Pcm16)
{
    /// <summary>Number of samples.</summary>
    public int SampleCount => Pcm.Length / 2;

    /// <summary>Duration of the audio, exact to the 100 ns tick.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks((long)SampleCount * TimeSpan.TicksPerSecond / Format.SampleRate);
}
