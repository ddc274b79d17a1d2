namespace DvServerless.Core.Speech;

/// <summary>Something a streaming recognizer reports. Offsets count the audio sent since the recognition opened.</summary>
public abstract record SpeechRecognitionEvent;

/// <summary>The caller started speaking (voice activity, or the provider's speech-started signal): the barge-in cue.</summary>
public sealed record SpeechStarted(TimeSpan AudioOffset) : SpeechRecognitionEvent;

/// <summary>Interim text of the utterance in progress; later partials and the final replace it.</summary>
public sealed record SpeechPartial(string Text) : SpeechRecognitionEvent;

/// <summary>
/// Final text of a stretch of speech. <paramref name="EndOfTurn"/> is the recognizer's endpointing: true when the caller
/// has finished their turn (Deepgram <c>speech_final</c> / <c>UtteranceEnd</c>, the offline recognizer's end of speech),
/// false for a final segment inside a longer turn.
/// </summary>
/// <param name="Text">What was said; may be empty when the speech had no words the recognizer knew.</param>
/// <param name="Start">Where the segment starts in the audio sent.</param>
/// <param name="End">Where the segment ends in the audio sent.</param>
/// <param name="EndOfTurn">Whether the caller's turn is over.</param>
/// <param name="Confidence">The recognizer's confidence (0–1), when it gives one.</param>
/// <param name="Sentiment">The provider's sentiment of the segment, when it gives one.</param>
public sealed record SpeechFinal(
    string Text,
    TimeSpan Start,
    TimeSpan End,
    bool EndOfTurn,
    double? Confidence = null,
    SpeechSentiment? Sentiment = null) : SpeechRecognitionEvent;

/// <summary>The recognizer reported a problem. When <paramref name="Fatal"/>, no more events follow.</summary>
public sealed record SpeechRecognitionError(string Message, bool Fatal) : SpeechRecognitionEvent;
