using System.Runtime.CompilerServices;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// Speaks one piece of text through the engine's text-to-speech as PCM16 in the engine's format, streaming when the
/// service can. Each chunk is a fresh array the caller may keep (the call loop queues it), with whole samples only.
/// </summary>
internal sealed class CascadedVoice
{
    // A service that only returns whole clips: hand them over in slices, so playout can start on the first one.
    private const int SliceMilliseconds = 200;

    private readonly ITextToSpeech _tts;
    private readonly string _voice;
    private readonly string? _model;
    private readonly AudioFormat _format;
    private readonly TtsVoiceOptions? _options;

    /// <summary>Speaks with <paramref name="voice"/> (and <paramref name="model"/>) of <paramref name="tts"/> in <paramref name="format"/>.</summary>
    /// <param name="tts">The text-to-speech service.</param>
    /// <param name="voice">The service's voice.</param>
    /// <param name="model">The model; null for the service's default.</param>
    /// <param name="format">The engine's audio format.</param>
    /// <param name="options">The agent's voice options; null leaves delivery to the service.</param>
    public CascadedVoice(ITextToSpeech tts, string voice, string? model, AudioFormat format, TtsVoiceOptions? options = null)
    {
        _tts = tts;
        _options = options;
        _voice = voice;
        _model = model;
        _format = format;
    }

    /// <summary>The model that will be billed (the service's default when none is set).</summary>
    public string Model => string.IsNullOrWhiteSpace(_model) ? _tts.DefaultModel : _model;

    /// <summary>The audio of <paramref name="text"/>, chunk by chunk as the service produces it.</summary>
    public async IAsyncEnumerable<byte[]> SpeakAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new TtsRequest(text, _voice, _format, _model, _options);
        if (_tts is IStreamingTextToSpeech streaming)
        {
            byte? carry = null;
            await foreach (var chunk in streaming.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                if (WholeSamples(chunk.Span, ref carry) is { } audio)
                {
                    yield return audio;
                }
            }

            yield break;
        }

        var clip = await _tts.SynthesizeAsync(request, cancellationToken).ConfigureAwait(false);
        var slice = _format.FrameBytes(SliceMilliseconds);
        var length = clip.Length & ~1;
        for (var offset = 0; offset < length; offset += slice)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return clip.AsSpan(offset, Math.Min(slice, length - offset)).ToArray();
        }
    }

    /// <summary>
    /// A copy of <paramref name="chunk"/> holding whole 16-bit samples: a byte left over from the previous chunk goes in
    /// front, a trailing odd byte waits for the next. Null when nothing whole is left.
    /// </summary>
    internal static byte[]? WholeSamples(ReadOnlySpan<byte> chunk, ref byte? carry)
    {
        var total = chunk.Length + (carry is null ? 0 : 1);
        var whole = total & ~1;
        if (whole == 0)
        {
            if (chunk.Length == 1)
            {
                carry = chunk[0];
            }

            return null;
        }

        var audio = new byte[whole];
        var from = 0;
        if (carry is { } first)
        {
            audio[0] = first;
            from = 1;
        }

        chunk[..(whole - from)].CopyTo(audio.AsSpan(from));
        carry = total == whole ? null : chunk[^1];
        return audio;
    }
}
