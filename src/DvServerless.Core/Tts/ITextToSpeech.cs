namespace DvServerless.Core.Tts;

/// <summary>A text-to-speech provider that returns PCM16 mono at the rate asked for.</summary>
public interface ITextToSpeech
{
    /// <summary>The provider name used in cache keys and voice records (<c>elevenlabs</c>, <c>openai</c>, <c>espeak</c>).</summary>
    string Provider { get; }

    /// <summary>The model used when the request names none (part of the cache key).</summary>
    string DefaultModel { get; }

    /// <summary>Speaks <paramref name="request"/>; returns PCM16 little-endian mono at <c>request.OutputFormat</c>.</summary>
    /// <exception cref="TextToSpeechException">The provider is not configured, refused the request, or failed.</exception>
    Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default);
}
