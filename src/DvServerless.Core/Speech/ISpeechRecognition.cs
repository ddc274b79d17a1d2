namespace DvServerless.Core.Speech;

/// <summary>
/// One streaming recognition: caller audio in, <see cref="SpeechRecognitionEvent"/>s out, in order. One writer of audio
/// and one reader of events; disposing it closes the stream (and the provider's connection).
/// </summary>
public interface ISpeechRecognition : IAsyncDisposable
{
    /// <summary>Sends caller audio in the service's <see cref="ISpeechToText.InputFormat"/>; any length.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken);

    /// <summary>Says no more audio follows: the recognizer finishes the utterance in progress and then ends its events.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>The recognition's events until it ends. Read by exactly one reader.</summary>
    IAsyncEnumerable<SpeechRecognitionEvent> ReadEventsAsync(CancellationToken cancellationToken);
}
