namespace DvServerless.Core.Tts;

/// <summary>
/// A text-to-speech provider that hands audio over as it is produced, so playout starts before the whole sentence is
/// synthesized (ElevenLabs and OpenAI stream over HTTP; the offline voice yields per synthesis callback).
/// </summary>
public interface IStreamingTextToSpeech : ITextToSpeech
{
    /// <summary>
    /// Speaks <paramref name="request"/> and yields PCM16 little-endian mono at <c>request.OutputFormat</c> in chunks of any
    /// (even) length as they arrive. Cancelling stops the request at the provider.
    /// </summary>
    /// <exception cref="TextToSpeechException">The provider is not configured, refused the request, or failed.</exception>
    IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, CancellationToken cancellationToken = default);
}
