using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>The caller's speech as PCM16 mono in the call's media format, read with Core's WAV reader and resampler.</summary>
internal static class CallerSpeech
{
    /// <summary>
    /// Converts PCM16 mono caller audio (8, 16 or 24 kHz) to the call's media format. Audio already in that format is
    /// used as it is, not copied: a load run shares one caller recording among hundreds of calls.
    /// </summary>
    public static ReadOnlyMemory<byte> Convert(ReadOnlyMemory<byte> pcm, AudioFormat format, AudioFormat target)
    {
        if (format.Encoding != AudioEncoding.Pcm16)
        {
            throw new ArgumentException("The caller audio must be PCM16.", nameof(format));
        }

        if (format.SampleRate == target.SampleRate)
        {
            return pcm;
        }

        var resampler = new PcmResampler(format, target);
        var output = new byte[resampler.GetMaxOutputByteCount(pcm.Length)];
        var written = resampler.Process(pcm.Span[..(pcm.Length & ~1)], output);
        return output.AsSpan(0, written).ToArray();
    }

    /// <summary>Reads a WAV file as PCM16 mono (stereo is mixed down, G.711 decoded).</summary>
    public static (ReadOnlyMemory<byte> Pcm, AudioFormat Format) ReadWav(byte[] file)
    {
        var wav = WavFile.Read(file);
        return (wav.Pcm, wav.Format);
    }
}
