using DvServerless.Core.Audio;

namespace DvServerless.Core.Speech;

/// <summary>
/// A speech-to-text service that recognizes a call's caller audio as it streams: Deepgram, an OpenAI Realtime
/// transcription session, or the offline recognizer. One <see cref="ISpeechRecognition"/> is opened per call.
/// </summary>
public interface ISpeechToText
{
    /// <summary>The provider name used in configuration and logs (<c>deepgram</c>, <c>openai</c>, <c>pocketsphinx</c>).</summary>
    string Provider { get; }

    /// <summary>The PCM format <see cref="ISpeechRecognition.SendAudioAsync"/> takes (mono PCM16; 16 kHz for most).</summary>
    AudioFormat InputFormat { get; }

    /// <summary>Opens one streaming recognition; completes when it is ready for audio.</summary>
    /// <exception cref="SpeechToTextException">The provider is not configured, refused the connection, or is unreachable.</exception>
    Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken);
}
