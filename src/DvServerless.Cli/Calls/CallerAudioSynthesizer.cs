using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Cli.Calls;

/// <summary>
/// Speaks the caller's lines with the gateway's own offline TTS (<see cref="EspeakTextToSpeech"/>: espeak-ng, then sox to
/// PCM) and joins them with pauses.
/// </summary>
public static class CallerAudioSynthesizer
{
    // Plain espeak-ng word gaps (no added pause) at its default rate: the demo's timings were tuned to this voice.
    private static readonly TtsVoiceOptions CallerVoice = new() { Pauses = TtsPauses.Short };

    /// <summary>Whether espeak-ng and sox are installed.</summary>
    public static bool IsAvailable => EspeakTextToSpeech.IsAvailable;

    /// <summary>Returns PCM16 mono at <paramref name="format"/>'s rate: each utterance followed by <paramref name="pause"/>.</summary>
    public static Task<byte[]> SynthesizeAsync(IReadOnlyList<string> utterances, TimeSpan pause, AudioFormat format, CancellationToken cancellationToken) =>
        SynthesizeAsync(utterances, pause, format, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Returns PCM16 mono at <paramref name="format"/>'s rate: <paramref name="leadingSilence"/>, then each utterance
    /// followed by <paramref name="pause"/>.
    /// </summary>
    public static async Task<byte[]> SynthesizeAsync(IReadOnlyList<string> utterances, TimeSpan pause, AudioFormat format, TimeSpan leadingSilence,
        CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("espeak-ng and sox are needed to speak the demo caller (scripts/install-tools.sh installs them), or pass --wav FILE.");
        }

        var tts = new EspeakTextToSpeech();
        using var pcm = new MemoryStream();
        var silence = new byte[(int)(format.BytesPerMillisecond * pause.TotalMilliseconds) & ~1];
        pcm.Write(new byte[(int)(format.BytesPerMillisecond * leadingSilence.TotalMilliseconds) & ~1]);
        for (var i = 0; i < utterances.Count; i++)
        {
            pcm.Write(await tts.SynthesizeAsync(new TtsRequest(utterances[i], "en-us", format, Options: CallerVoice), cancellationToken).ConfigureAwait(false));
            if (i < utterances.Count - 1)
            {
                pcm.Write(silence);
            }
        }

        return pcm.ToArray();
    }
}
