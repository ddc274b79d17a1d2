using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>
/// Turns Deepgram messages into recognition events. Deepgram finalizes a turn in pieces: several <c>is_final</c>
/// segments, the last one flagged <c>speech_final</c> when endpointing hears the silence, or an <c>UtteranceEnd</c> when
/// the word gap passes (the backstop in noise, where endpointing may never fire). The assembler keeps the finalized
/// segments of the turn and reports them as one <see cref="SpeechFinal"/> with <c>EndOfTurn: true</c>; until then the
/// caller sees <see cref="SpeechPartial"/>s of the whole turn so far (finalized text plus the interim tail).
/// Not thread-safe: one per recognition, fed by its receive loop.
/// </summary>
internal sealed class DeepgramTurnAssembler
{
    private readonly bool _partials;
    private readonly List<DeepgramServerMessage> _segments = [];

    /// <summary>Creates the assembler; <paramref name="partials"/> says whether interim text is reported.</summary>
    public DeepgramTurnAssembler(bool partials) => _partials = partials;

    /// <summary>The events one message gives, in order (often none).</summary>
    public IEnumerable<SpeechRecognitionEvent> Accept(DeepgramServerMessage message)
    {
        switch (message.Type)
        {
            case "SpeechStarted":
                yield return new SpeechStarted(TimeSpan.FromSeconds(message.Start));
                break;
            case "Results" when !message.IsFinal:
                if (_partials && message.Transcript.Length > 0)
                {
                    yield return new SpeechPartial(Join(message.Transcript));
                }

                break;
            case "Results":
                if (message.Transcript.Length > 0)
                {
                    _segments.Add(message);
                }

                if (message.SpeechFinal)
                {
                    if (Flush() is { } final)
                    {
                        yield return final;
                    }
                }
                else if (_partials && message.Transcript.Length > 0)
                {
                    yield return new SpeechPartial(Join(null));
                }

                break;
            case "UtteranceEnd":
                if (Flush() is { } end)
                {
                    yield return end;
                }

                break;
            case "Error":
                yield return new SpeechRecognitionError($"Deepgram: {message.Description}", Fatal: false);
                break;
        }
    }

    /// <summary>The turn in progress as a final (the stream ended, so the turn did too); null when nothing was said.</summary>
    public SpeechFinal? Flush()
    {
        if (_segments.Count == 0)
        {
            return null;
        }

        var first = _segments[0];
        var last = _segments[^1];
        var confidences = _segments.Where(s => s.Confidence is not null).Select(s => s.Confidence!.Value).ToList();
        var final = new SpeechFinal(
            Join(null),
            TimeSpan.FromSeconds(first.Start),
            TimeSpan.FromSeconds(last.Start + last.Duration),
            EndOfTurn: true,
            confidences.Count > 0 ? confidences.Average() : null,
            SentimentOf(_segments));
        _segments.Clear();
        return final;
    }

    private string Join(string? tail)
    {
        var parts = _segments.Select(s => s.Transcript);
        return string.Join(' ', tail is null ? parts : parts.Append(tail));
    }

    // Deepgram's live API sends no sentiment today (see DeepgramListenQuery); a result that carries one is still used.
    private static SpeechSentiment? SentimentOf(List<DeepgramServerMessage> segments)
    {
        var scores = segments.Where(s => s.SentimentScore is not null).Select(s => s.SentimentScore!.Value).ToList();
        if (scores.Count == 0)
        {
            return null;
        }

        var score = scores.Average();
        // Deepgram's own bands (±1/3), the same as the local scorer's.
        return new SpeechSentiment(Core.Sentiment.SentimentLabels.Of(score), score);
    }
}
