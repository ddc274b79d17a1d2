using System.Collections.Concurrent;
using DvServerless.Core.Audio;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// Makes each call's <see cref="ComfortNoiseBed"/> from <see cref="ComfortNoiseOptions"/>. A custom file is read once
/// and converted once per leg rate; every call then loops the same bytes from its own position.
/// </summary>
public sealed class ComfortNoiseSource
{
    private readonly ComfortNoiseOptions _options;
    private readonly ConcurrentDictionary<int, byte[]> _fileByRate = new();

    /// <summary>Creates the source from the bound options.</summary>
    public ComfortNoiseSource(IOptions<ComfortNoiseOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>Whether calls play comfort noise by themselves while the agent thinks or runs a tool.</summary>
    public bool WhileThinking => _options.Enabled;

    /// <summary>The bed of one call whose leg plays <paramref name="legFormat"/>.</summary>
    public ComfortNoiseBed Create(AudioFormat legFormat)
    {
        if (string.IsNullOrWhiteSpace(_options.File))
        {
            return new ComfortNoiseBed(_options.LevelDbfs);
        }

        return new ComfortNoiseBed(_fileByRate.GetOrAdd(legFormat.SampleRate, static (rate, path) => Load(path, rate), _options.File));
    }

    /// <summary>Reads <paramref name="path"/>: a WAV is resampled to <paramref name="sampleRate"/>, anything else is taken as raw PCM16 at it.</summary>
    internal static byte[] Load(string path, int sampleRate)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        if (bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) && bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            var wav = WavFile.Read(bytes);
            return PcmResampler.Convert(wav.Pcm, wav.Format.SampleRate, sampleRate);
        }

        return bytes.Length % 2 == 0 ? bytes : bytes[..^1];
    }
}
