using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Tts;

/// <summary>Converts a whole PCM16 utterance between the rates <see cref="PcmResampler"/> supports.</summary>
internal static class PcmRateConverter
{
    public static byte[] Convert(byte[] pcm, int fromRate, int toRate)
    {
        if (fromRate == toRate)
        {
            return pcm;
        }

        var even = pcm.Length & ~1;
        var resampler = new PcmResampler(fromRate, toRate);
        var output = new byte[resampler.GetOutputByteCount(even)];
        var written = resampler.Process(pcm.AsSpan(0, even), output);
        return written == output.Length ? output : output[..written];
    }
}
