using System.Text;
using DvServerless.Core.Engines;
using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Engines.Cascaded;

// The ears: the listener reads the recognizer, turns its events into the caller's turns, cuts the agent off when the
// caller starts speaking, and asks for an answer when the recognizer says the turn is over. A recognition that fails or
// ends is reopened a few times before the engine gives up.
public sealed partial class CascadedEngine
{
    // Listener state: read and written by the listener task only.
    private readonly StringBuilder _turnText = new();
    private readonly List<double> _turnSentimentScores = [];
    private string? _turnItemId;
    private long _audioBaseMs;

    private async Task<ISpeechRecognition> OpenRecognitionAsync(CancellationToken cancellationToken)
    {
        var cascaded = _agent.Cascaded;
        return await _parts.SpeechToText.StartAsync(new SpeechRecognitionOptions
        {
            CallId = _callId,
            Model = string.IsNullOrWhiteSpace(cascaded.SttModel) ? null : cascaded.SttModel,
            Language = cascaded.Language,
            EndpointingMs = cascaded.EndpointingMs,
            InterimResults = true,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var restarts = 0;
        while (true)
        {
            var recognition = _recognition!;
            var lastOffset = TimeSpan.Zero;
            string reason;
            try
            {
                reason = "the recognition ended";
                await foreach (var speech in recognition.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
                {
                    lastOffset = speech switch
                    {
                        SpeechFinal final when final.End > lastOffset => final.End,
                        SpeechStarted started when started.AudioOffset > lastOffset => started.AudioOffset,
                        _ => lastOffset,
                    };
                    if (speech is SpeechRecognitionError { Fatal: true } fatal)
                    {
                        reason = fatal.Message;
                        break;
                    }

                    HandleSpeech(speech);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                reason = ex.Message;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            CascadedEngineLog.PartFailed(_logger, _callId, "speech-to-text", reason);
            Publish(new EngineError("stt_failed", $"Speech-to-text {_parts.SpeechToText.Provider}: {reason}"));
            if (restarts++ >= _options.MaxSpeechToTextRestarts || !await TryReopenAsync(recognition, lastOffset, reason, restarts, cancellationToken).ConfigureAwait(false))
            {
                Close($"speech-to-text {_parts.SpeechToText.Provider} stopped: {reason}");
                return;
            }
        }
    }

    private async Task<bool> TryReopenAsync(ISpeechRecognition broken, TimeSpan heardUpTo, string reason, int restart, CancellationToken cancellationToken)
    {
        try
        {
            var fresh = await OpenRecognitionAsync(cancellationToken).ConfigureAwait(false);
            // Offsets of the new recognition start at zero: later turns are placed after what the old one heard.
            _audioBaseMs += (long)heardUpTo.TotalMilliseconds;
            _recognition = fresh;
            await DisposeRecognitionAsync(broken).ConfigureAwait(false);
            CascadedEngineLog.RecognitionRestarted(_logger, _callId, reason, restart);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CascadedEngineLog.PartFailed(_logger, _callId, "speech-to-text reopen", ex.Message);
            return false;
        }
    }

    private void HandleSpeech(SpeechRecognitionEvent speech)
    {
        switch (speech)
        {
            case SpeechStarted started:
                CallerStarted(started.AudioOffset);
                break;
            case SpeechPartial interim when _turnItemId is null && !string.IsNullOrWhiteSpace(interim.Text):
                // Words before any speech-started signal (a provider without voice activity events): the caller speaks.
                CallerStarted(null);
                break;
            case SpeechFinal final:
                if (!string.IsNullOrWhiteSpace(final.Text))
                {
                    if (_turnItemId is null)
                    {
                        CallerStarted(final.Start);
                    }

                    if (_turnText.Length > 0)
                    {
                        _turnText.Append(' ');
                    }

                    _turnText.Append(final.Text.Trim());
                    if (final.Sentiment is { } sentiment)
                    {
                        _turnSentimentScores.Add(sentiment.Score);
                    }
                }

                if (final.EndOfTurn)
                {
                    EndTurn(final.End);
                }

                break;
            case SpeechRecognitionError error:
                Publish(new EngineError("stt_error", error.Message));
                break;
        }
    }

    /// <summary>The caller started speaking: tell the loop (its barge-in cue), and cut off the answer in progress.</summary>
    private void CallerStarted(TimeSpan? offset)
    {
        if (_turnItemId is null)
        {
            // The cue goes out before the answer's end, as Realtime's speech_started precedes its cancelled response.done.
            _turnItemId = NextId("caller");
            Publish(new CallerSpeechStarted(Ms(offset ?? TimeSpan.Zero), _turnItemId));
        }

        lock (_gate)
        {
            _current?.Cancel("turn_detected");
        }
    }

    /// <summary>The recognizer's endpointing says the caller has finished: their words, then the agent's answer.</summary>
    private void EndTurn(TimeSpan end)
    {
        var itemId = _turnItemId;
        var text = _turnText.ToString();
        // The provider's sentiment of the turn, averaged over its segments; none when it gave none.
        var sentiment = _turnSentimentScores.Count == 0 ? null
            : new SpeechSentiment(Core.Sentiment.SentimentLabels.Of(_turnSentimentScores.Average()), _turnSentimentScores.Average());
        _turnSentimentScores.Clear();
        _turnItemId = null;
        _turnText.Clear();
        if (itemId is null)
        {
            return; // An end of turn with no speech in it (noise, or silence the recognizer reported): nothing to answer.
        }

        Publish(new CallerSpeechStopped(Ms(end), itemId));
        if (text.Length == 0)
        {
            return;
        }

        var endedAt = _time.GetTimestamp();
        Publish(new CallerTranscript(itemId, text, sentiment));
        lock (_gate)
        {
            // A new turn moves on from tool calls still running: their results are kept but start no answer.
            _awaitedToolCalls.Clear();
        }

        _history.AddCallerText(text);
        StartResponse(null, endedAt);
    }

    private int Ms(TimeSpan offset) => (int)Math.Min(int.MaxValue, _audioBaseMs + (long)offset.TotalMilliseconds);

    private void Close(string reason)
    {
        CascadedEngineLog.Closed(_logger, _callId, reason);
        lock (_gate)
        {
            _current?.Cancel("failed");
        }

        Publish(new EngineClosed(reason));
        _events.Writer.TryComplete();
    }
}
