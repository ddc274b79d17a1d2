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
            throw new IOException($"{file.FullName}: no such WAV file.");
        }

        WavAudio wav;
        try
        {
            wav = WavFile.Read(await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException exception)
        {
            throw new FormatException($"{file.FullName}: {exception.Message}", exception);
        }

        if (wav.Format.Encoding != AudioEncoding.Pcm16 || !PcmResampler.IsSupportedRate(wav.Format.SampleRate))
        {
            throw new FormatException($"{file.FullName} is {Describe(wav)}; the caller's WAV must be at 8, 16 or 24 kHz, mono or stereo, PCM16 or G.711 (e.g. `sox in.wav -r 24000 -c 1 -b 16 out.wav`).");
        }

        return wav;
    }

    /// <summary>How the file was before it was read: its encoding, rate and channels (<c>PCM16 44100 Hz stereo</c>).</summary>
    public static string Describe(WavAudio wav)
    {
        ArgumentNullException.ThrowIfNull(wav);
        var encoding = wav.SourceEncoding switch
        {
            AudioEncoding.Pcm16 => "PCM16",
            AudioEncoding.Mulaw => "G.711 μ-law",
            AudioEncoding.Alaw => "G.711 A-law",
            var other => other.ToString(),
        };
        var channels = wav.SourceChannels switch { 1 => "mono", 2 => "stereo", var n => $"{n} channels" };
        return $"{encoding} {wav.Format.SampleRate} Hz {channels}";
    }
}
