using System.Text;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Playout;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Writes a call's record as it happens: each caller turn when its transcript arrives, each agent turn when the caller
/// has heard all of it and its text is known (whichever comes last), an interrupted agent turn and its barge-in with what
/// was heard, and the call's cost at the end. Keeps the agent's text per item until its turn is written. Every line also
/// goes to the call's observer.
/// </summary>
/// <remarks>Used by the <see cref="CallLoop"/>'s control task only, so its state needs no lock.</remarks>
internal sealed class CallTurnRecorder : IAsyncDisposable
{
    private readonly CallRecordWriter _records;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, StringBuilder> _agentText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _agentTranscripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentUtterance> _awaitingTranscript = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _callerSpeechStartMs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _injected = new(StringComparer.Ordinal);
    private DateTimeOffset _startedAt;
    private string? _engine;
    private ICallLoopObserver? _observer;

    public CallTurnRecorder(CallRecordWriter records, TimeProvider timeProvider)
    {
        _records = records;
        _time = timeProvider;
    }

    /// <summary>Media started at <paramref name="startedAt"/> (the zero of record times) with <paramref name="engine"/>.</summary>
    public void Start(DateTimeOffset startedAt, string engine, ICallLoopObserver? observer)
    {
        _startedAt = startedAt;
        _engine = engine;
        _observer = observer;
    }

    /// <summary>Milliseconds from the start of media to <paramref name="at"/>.</summary>
    public long MediaMs(DateTimeOffset at) => Math.Max(0, (long)(at - _startedAt).TotalMilliseconds);

    /// <summary>
    /// The caller started an utterance: its turn starts at the engine's <c>audio_start_ms</c>, which counts the audio
    /// this leg sent, or at <paramref name="mediaMs"/> for a leg whose audio reached the engine before this record began
    /// (the SIP sideband attaches after OpenAI took the call's audio).
    /// </summary>
    public void CallerSpeechStarted(CallerSpeechStarted started, long? mediaMs = null)
    {
        if (started.ItemId is not null)
        {
            _callerSpeechStartMs[started.ItemId] = mediaMs ?? started.AudioStartMs;
        }
    }

    public void CallerTranscript(CallerTranscript transcript)
    {
        var now = _time.GetUtcNow();
        // The provider's reading when it gives one; otherwise the local lexicon's, so every caller turn has one.
        var sentiment = transcript.Sentiment ?? Core.Sentiment.LexiconSentimentScorer.Score(transcript.Text);
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "caller",
            Text = transcript.Text,
            StartMs = _callerSpeechStartMs.Remove(transcript.ItemId, out var startMs) ? startMs : MediaMs(now),
            ItemId = transcript.ItemId,
            Engine = _engine,
            At = now,
            Sentiment = sentiment.Label,
            SentimentScore = Math.Clamp(Math.Round(sentiment.Score, 3), -1, 1),
        });
    }

    /// <summary>
    /// A caller utterance the engine could not transcribe: its turn is written with <see cref="Core.Engines.CallerTranscriptFailed.NotTranscribed"/> as the
    /// text, so the record shows that the caller spoke and when, and no sentiment is guessed from it.
    /// </summary>
    public void CallerTranscriptFailed(CallerTranscriptFailed failed)
    {
        var now = _time.GetUtcNow();
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "caller",
            Text = Core.Engines.CallerTranscriptFailed.NotTranscribed,
            StartMs = _callerSpeechStartMs.Remove(failed.ItemId, out var startMs) ? startMs : MediaMs(now),
            ItemId = failed.ItemId,
            Engine = _engine,
            At = now,
        });
    }

    public void AgentTextDelta(AgentTranscriptDelta delta)
    {
        if (!_agentText.TryGetValue(delta.ItemId, out var text))
        {
            _agentText[delta.ItemId] = text = new StringBuilder();
        }

        text.Append(delta.Delta);
    }

    /// <summary>The agent item's full text; writes its turn when the caller already heard it all.</summary>
    public void AgentTextDone(AgentTranscriptDone done)
    {
        _agentTranscripts[done.ItemId] = done.Transcript;
        if (_awaitingTranscript.Remove(done.ItemId, out var finished))
        {
            AgentTurn(finished);
        }
    }

    /// <summary>
    /// For a leg whose far end plays the agent's audio itself (the SIP sideband): the agent item
    /// <paramref name="itemId"/>, whose text is known, was spoken from <paramref name="startMs"/> to
    /// <paramref name="endMs"/> (media time). Written now; there is no playout here to say when the caller heard it.
    /// </summary>
    public void AgentTurnPlayedElsewhere(string itemId, long startMs, long endMs)
    {
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "agent",
            Text = AgentText(itemId),
            StartMs = startMs,
            EndMs = endMs,
            ItemId = itemId,
            Engine = _engine,
            At = _time.GetUtcNow(),
        });
        ForgetAgentText(itemId);
    }

    /// <summary>Keys the caller pressed, as a caller line of the transcript (<see cref="CallKeypad.TranscriptLine"/>).</summary>
    public void CallerKeypad(string line)
    {
        var now = _time.GetUtcNow();
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "caller",
            Text = line,
            StartMs = MediaMs(now),
            Engine = _engine,
            At = now,
        });
    }

    /// <summary>The cached greeting's text, the transcript of its item.</summary>
    public void GreetingText(string text) => _agentTranscripts[GreetingReady.ItemId] = text;

    /// <summary>The text of speech injected through the API as item <paramref name="itemId"/>; its turn is marked injected.</summary>
    public void InjectedText(string itemId, string text)
    {
        _agentTranscripts[itemId] = text;
        _injected.Add(itemId);
    }

    /// <summary>The caller heard all of <paramref name="utterance"/>: its turn is written now, or when its text arrives.</summary>
    public void UtteranceFinished(AgentUtterance utterance)
    {
        if (_agentTranscripts.ContainsKey(utterance.ItemId))
        {
            AgentTurn(utterance);
        }
        else
        {
            // The transcript usually trails the audio; write the turn when it arrives (or at the end of the call).
            _awaitingTranscript[utterance.ItemId] = utterance;
        }
    }

    /// <summary>The caller cut <paramref name="interrupted"/> off at <paramref name="audioEndMs"/>: its turn as heard, and the barge-in.</summary>
    public void Interrupted(AgentUtterance interrupted, int audioEndMs, DateTimeOffset now)
    {
        var atMs = MediaMs(now);
        var generated = AgentText(interrupted.ItemId);
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "agent",
            Text = generated,
            AudioEndMs = audioEndMs,
            HeardText = generated is null ? null : MinutesBuilder.HeardText(generated, audioEndMs, interrupted.ReceivedMs),
            StartMs = interrupted.StartedAt is { } start ? MediaMs(start) : atMs,
            EndMs = atMs,
            ItemId = interrupted.ItemId,
            Interrupted = true,
            SentMs = interrupted.SentMs,
            ReceivedMs = interrupted.ReceivedMs,
            Engine = _engine,
            At = now,
            Injected = InjectedOrNull(interrupted.ItemId),
        });
        Write(new CallRecordEntry
        {
            Kind = "barge-in",
            StartMs = atMs,
            ItemId = interrupted.ItemId,
            Interrupted = true,
            AudioEndMs = audioEndMs,
            SentMs = interrupted.SentMs,
            ReceivedMs = interrupted.ReceivedMs,
            Engine = _engine,
            At = now,
        });
        ForgetAgentText(interrupted.ItemId);
    }

    /// <summary>The call is over: agent turns still waiting for their text are written with what there is, then the cost.</summary>
    public void Finish(CallCost? cost)
    {
        foreach (var utterance in _awaitingTranscript.Values)
        {
            AgentTurn(utterance);
        }

        _awaitingTranscript.Clear();
        if (cost is { Usage.Responses: > 0 } || cost?.TotalUsd > 0)
        {
            Write(new CallRecordEntry { Kind = "cost", CostUsd = cost.TotalUsd, Usage = cost.Usage, Engine = _engine, At = _time.GetUtcNow() });
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the lines still being appended.</summary>
    public Task CompleteAsync(TimeSpan timeout) => _records.CompleteAsync(timeout);

    public ValueTask DisposeAsync() => _records.DisposeAsync();

    private void AgentTurn(AgentUtterance utterance)
    {
        var now = _time.GetUtcNow();
        var startMs = utterance.StartedAt is { } start ? MediaMs(start) : MediaMs(now);
        Write(new CallRecordEntry
        {
            Kind = "turn",
            Speaker = "agent",
            Text = AgentText(utterance.ItemId),
            StartMs = startMs,
            EndMs = utterance.StartedAt is null ? startMs : MediaMs(utterance.StartedAt.Value + utterance.Gap) + utterance.SentMs,
            ItemId = utterance.ItemId,
            SentMs = utterance.SentMs,
            ReceivedMs = utterance.ReceivedMs,
            Engine = _engine,
            At = now,
            Injected = InjectedOrNull(utterance.ItemId),
        });
        ForgetAgentText(utterance.ItemId);
    }

    private void Write(CallRecordEntry entry)
    {
        _records.Write(entry);
        _observer?.OnRecorded(entry);
    }

    private string? AgentText(string itemId) =>
        _agentTranscripts.TryGetValue(itemId, out var done) ? done
        : _agentText.TryGetValue(itemId, out var partial) ? partial.ToString()
        : null;

    private bool? InjectedOrNull(string itemId) => _injected.Contains(itemId) ? true : null;

    private void ForgetAgentText(string itemId)
    {
        _agentTranscripts.Remove(itemId);
        _agentText.Remove(itemId);
    }
}
