using DvServerless.Core.Audio;

namespace DvServerless.Cli.Calls;

/// <summary>The caller's WAV for <c>dvs call --wav</c>: PCM16 mono at a rate the gateway's resampler takes.</summary>
public static class CallerWav
{
    /// <summary>Reads <paramref name="file"/>; a clear error when it is missing or not PCM16 at 8, 16 or 24 kHz.</summary>
    public static async Task<WavAudio> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new IOException($"No such WAV file: {file.FullName}");
        }

        var wav = WavFile.Read(await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false));
        if (wav.Format.Encoding != AudioEncoding.Pcm16 || !PcmResampler.IsSupportedRate(wav.Format.SampleRate))
        {
            throw new FormatException($"{file.Name} is {wav.Format}; the caller's WAV must be PCM16 mono at 8, 16 or 24 kHz (e.g. `sox in.wav -r 24000 -c 1 -b 16 out.wav`).");
        }

        return wav;
    }
}
