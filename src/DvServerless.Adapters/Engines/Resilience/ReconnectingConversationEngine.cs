using System.Runtime.CompilerServices;
using System.Text;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Keeps a call's agent alive across engine connections. When the engine's connection ends while the call goes on, a
/// new engine is started with exponential backoff and the conversation so far replayed into its instructions, and the
/// call continues: the caller hears a gap, not a hang-up. Before a provider's session limit the call is handed to a
/// fresh session at a pause (a response finished, the caller quiet), so the limit is never reached mid-sentence.
/// </summary>
/// <remarks>
/// Works on any <see cref="IConversationEngine"/>. While it reconnects, caller audio is dropped (there is no session to
/// take it) and commands fail quietly; a response the old session left open is reported failed so the call loop does
/// not wait for it. When the drop cut the agent off mid-answer (or before it could answer the caller), the agent's
/// words so far are reported as that item's transcript (the call plays every byte it received, so that is what the
/// caller hears), the replay says where the answer stopped, and the new session is asked to respond at once: the agent
/// goes on instead of leaving the caller in silence until they speak again.
/// </remarks>
public sealed partial class ReconnectingConversationEngine : IConversationEngine
{
    private readonly Func<AgentOptions, IConversationEngine> _create;
    private readonly AgentOptions _agent;
    private readonly EngineReconnectOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _callId;
    private readonly ConversationReplay _replay;
    private readonly Dictionary<string, OpenResponse> _openResponses = new(StringComparer.Ordinal);
    private volatile IConversationEngine _current;
    private volatile bool _reconnecting;
    private long _sessionStartedAt;
    private TimeSpan? _handoverAfter;
    private bool _callerSpeaking;

    // The caller finished a turn that no response has started to answer yet (server VAD starts one by itself).
    private bool _callerAwaitingAnswer;
    private int _disposed;

    // The caller audio the call has sent (dropped while reconnecting included), and how much of it came before the
    // current session: an engine counts audio_start_ms / audio_end_ms from its own session's first byte, the call loop
    // from the call's, so a later session's caller timestamps are shifted by this much.
    private long _audioBytesSent;
    private long _sessionAudioOffsetMs;

    /// <summary>Wraps <paramref name="first"/>; <paramref name="create"/> makes each later engine for the agent it is given.</summary>
    public ReconnectingConversationEngine(string callId, IConversationEngine first, Func<AgentOptions, IConversationEngine> create, AgentOptions agent,
        TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(agent);
        _callId = callId;
        _current = first;
        _create = create;
        _agent = agent;
        _options = agent.Reconnect;
        _time = timeProvider;
        _logger = logger;
        _replay = new ConversationReplay(_options.MaxReplayCharacters);
        _handoverAfter = _options.HandoverAfter;
        AudioFormat = first.AudioFormat;
    }

    /// <summary>How many times the call moved to a new engine (reconnects and hand-overs).</summary>
    public int Reconnects { get; private set; }

    /// <inheritdoc />
    public string Name => _current.Name;

    /// <inheritdoc />
    public AudioFormat AudioFormat { get; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _current.StartAsync(cancellationToken).ConfigureAwait(false);
        _sessionStartedAt = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _audioBytesSent, audio.Length);
        if (_reconnecting)
        {
            return ValueTask.CompletedTask;
        }

        // Fifty times a second per call: no closure for Quietly, and no state machine when the send completes at once.
        ValueTask send;
        try
        {
            send = _current.SendAudioAsync(audio, cancellationToken);
        }
        catch (Exception ex) when (IsQuiet(ex))
        {
            return ValueTask.CompletedTask;
        }

        if (!send.IsCompletedSuccessfully)
        {
            return QuietlyAwait(send);
        }

        send.GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken) => Quietly(e => e.CreateResponseAsync(instructions, cancellationToken));

    /// <inheritdoc />
    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        _replay.Add("Caller (typed)", text);
        return Quietly(e => e.SendUserTextAsync(text, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask CancelResponseAsync(CancellationToken cancellationToken) => Quietly(e => e.CancelResponseAsync(cancellationToken));

    /// <inheritdoc />
    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken) =>
        Quietly(e => e.TruncateAsync(itemId, contentIndex, audioEndMs, cancellationToken));

    /// <inheritdoc />
    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken) =>
        Quietly(e => e.SendToolResultAsync(callId, output, cancellationToken));

    /// <inheritdoc />
    public async IAsyncEnumerable<EngineEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var engine = _current;
            EngineClosed? closed = null;
            var handedOver = false;
            await using (var events = engine.ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        closed = new EngineClosed(ex.Message);
                        break;
                    }

                    if (!more)
                    {
                        break;
                    }

                    if (events.Current is EngineClosed engineClosed)
                    {
                        closed = engineClosed;
                        break;
                    }

                    var current = OnCallTimeline(events.Current);
                    Track(current);
                    yield return current;
                    if (current is ResponseFinished && IsHandoverDue() && await TryHandOverAsync(cancellationToken).ConfigureAwait(false))
                    {
                        handedOver = true;
                        break;
                    }
                }
            }

            if (handedOver)
            {
                yield return new EngineError("engine_handover", "The call moved to a fresh engine session before the session limit.");
                continue;
            }

            if (Volatile.Read(ref _disposed) != 0 || cancellationToken.IsCancellationRequested || _options.MaxAttempts == 0)
            {
                yield return closed ?? new EngineClosed(null);
                yield break;
            }

            // The connection ended while the call goes on: close what the old session left open, then reconnect.
            LogDropped(_callId, closed?.Reason ?? "the event stream ended");
            _reconnecting = true;
            var resume = _callerAwaitingAnswer;
            foreach (var (responseId, open) in _openResponses)
            {
                // An answer whose words all came (only its response.done was lost) is not said again.
                resume |= !open.Done;
                if (open.CutOffTranscript() is { } heard)
                {
                    // What the caller hears of it: every byte received is played, and the transcript keeps pace with it.
                    _replay.AddCutOff("Agent", heard);
                    LogCutOff(_callId, open.ItemId!, heard.Length);
                    yield return new AgentTranscriptDone(responseId, open.ItemId!, heard);
                }

                yield return new ResponseFinished(responseId, "failed", "the engine connection dropped");
            }

            _openResponses.Clear();
            _callerAwaitingAnswer = false;
            // A caller who was talking (a barge-in, say) has the floor: their turn gets its answer when it ends.
            resume &= !_callerSpeaking;
            // The new session hears the caller afresh (its own speech_started, if they still talk).
            _callerSpeaking = false;
            var fresh = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                yield return closed ?? new EngineClosed("the engine connection dropped and could not be restored");
                yield break;
            }

            await SwapAsync(fresh).ConfigureAwait(false);
            _reconnecting = false;
            if (resume)
            {
                // The agent was mid-answer or owed one: the new session answers now, from the replayed conversation,
                // rather than after the caller breaks the silence. No instructions here: they would replace the session's.
                LogResuming(_callId);
                await Quietly(e => e.CreateResponseAsync(null, cancellationToken)).ConfigureAwait(false);
            }

            yield return new EngineError("engine_reconnected", $"The engine connection dropped ({closed?.Reason ?? "no reason"}) and was restored.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _current.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Moves a later session's caller speech timestamps onto the call's timeline (see <see cref="_sessionAudioOffsetMs"/>).</summary>
    private EngineEvent OnCallTimeline(EngineEvent engineEvent)
    {
        var offset = Interlocked.Read(ref _sessionAudioOffsetMs);
        if (offset == 0)
        {
            return engineEvent;
        }

        return engineEvent switch
        {
            CallerSpeechStarted started => started with { AudioStartMs = (int)Math.Min(int.MaxValue, started.AudioStartMs + offset) },
            CallerSpeechStopped stopped => stopped with { AudioEndMs = (int)Math.Min(int.MaxValue, stopped.AudioEndMs + offset) },
            _ => engineEvent,
        };
    }

    private void Track(EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case ResponseStarted started:
                _openResponses[started.ResponseId] = new OpenResponse();
                _callerAwaitingAnswer = false;
                break;
            case ResponseFinished finished:
                _openResponses.Remove(finished.ResponseId);
                break;
            case AgentAudioDelta audio when _openResponses.TryGetValue(audio.ResponseId, out var speaking):
                speaking.ItemId ??= audio.ItemId;
                break;
            case AgentTranscriptDelta delta when _openResponses.TryGetValue(delta.ResponseId, out var speaking):
                speaking.Add(delta);
                break;
            case AgentTranscriptDone done when _openResponses.TryGetValue(done.ResponseId, out var speaking):
                speaking.Done = true;
                _replay.Add("Agent", done.Transcript);
                break;
            case CallerSpeechStarted:
                _callerSpeaking = true;
                break;
            case CallerSpeechStopped:
                _callerSpeaking = false;
                _callerAwaitingAnswer = true;
                break;
            case CallerTranscript transcript:
                _replay.Add("Caller", transcript.Text);
                break;
            case AgentTranscriptDone done:
                _replay.Add("Agent", done.Transcript);
                break;
        }
    }

    private bool IsHandoverDue() =>
        _handoverAfter is { } after && _openResponses.Count == 0 && !_callerSpeaking && _time.GetElapsedTime(_sessionStartedAt) >= after;

    private async Task<bool> TryHandOverAsync(CancellationToken cancellationToken)
    {
        if (await TryStartAsync(cancellationToken).ConfigureAwait(false) is not { } fresh)
        {
            // Try again at a later pause; the provider's own limit still ends the session if none comes.
            _handoverAfter = _time.GetElapsedTime(_sessionStartedAt) + TimeSpan.FromMinutes(1);
            return false;
        }

        LogHandedOver(_callId);
        await SwapAsync(fresh).ConfigureAwait(false);
        return true;
    }

    private async Task<IConversationEngine?> ReconnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            try
            {
                await Task.Delay(_options.DelayBefore(attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            if (await TryStartAsync(cancellationToken).ConfigureAwait(false) is { } fresh)
            {
                LogReconnected(_callId, attempt);
                return fresh;
            }
        }

        LogGaveUp(_callId, _options.MaxAttempts);
        return null;
    }

    private async Task<IConversationEngine?> TryStartAsync(CancellationToken cancellationToken)
    {
        var agent = _agent.Clone();
        agent.GreetFirst = false;
        agent.Instructions = _replay.AppendTo(_agent.Instructions);
        IConversationEngine? fresh = null;
        // An attempt that hangs (a black-holed connect) would hold the call in silence: it gets AttemptTimeout, then
        // the next attempt is made. WaitAsync too, for an engine that does not watch the token while it connects.
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            fresh = _create(agent);
            await fresh.StartAsync(attempt.Token).WaitAsync(attempt.Token).ConfigureAwait(false);
            return fresh;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogAttemptFailed(_callId, timeout.IsCancellationRequested
                ? $"no session after {_options.AttemptTimeout.TotalMilliseconds:0} ms (Agent:Reconnect:AttemptTimeout)"
                : ex.Message);
            if (fresh is not null)
            {
                await fresh.DisposeAsync().ConfigureAwait(false);
            }

            return null;
        }
    }

    private async Task SwapAsync(IConversationEngine fresh)
    {
        var old = _current;
        // From here the caller's audio goes to the fresh session, whose clock starts at this much of the call's audio.
        Interlocked.Exchange(ref _sessionAudioOffsetMs, (long)AudioFormat.DurationMs(Interlocked.Read(ref _audioBytesSent)));
        _current = fresh;
        _sessionStartedAt = _time.GetTimestamp();
        _handoverAfter = _options.HandoverAfter;
        Reconnects++;
        try
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAttemptFailed(_callId, "closing the old engine: " + ex.Message);
        }
    }

    private ValueTask Quietly(Func<IConversationEngine, ValueTask> send)
    {
        try
        {
            return QuietlyAwait(send(_current));
        }
        catch (Exception ex) when (IsQuiet(ex))
        {
            return ValueTask.CompletedTask;
        }
    }

    private async ValueTask QuietlyAwait(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsQuiet(ex))
        {
            // The session is gone; the event side notices the close and reconnects. Nothing to send it to until then.
        }
    }

    private bool IsQuiet(Exception ex) => ex is not OperationCanceledException && (_reconnecting || IsConnectionGone(ex));

    private static bool IsConnectionGone(Exception ex) =>
        ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or IOException
        || (ex is InvalidOperationException && ex.Message.Contains("closed", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(EventId = 3761, Level = LogLevel.Warning, Message = "Call {CallId}: the engine connection dropped ({Reason}); reconnecting")]
    private partial void LogDropped(string callId, string reason);

    [LoggerMessage(EventId = 3762, Level = LogLevel.Information, Message = "Call {CallId}: the engine reconnected on attempt {Attempt}, the conversation replayed")]
    private partial void LogReconnected(string callId, int attempt);

    [LoggerMessage(EventId = 3763, Level = LogLevel.Information, Message = "Call {CallId}: handed over to a fresh engine session before the session limit")]
    private partial void LogHandedOver(string callId);

    [LoggerMessage(EventId = 3764, Level = LogLevel.Warning, Message = "Call {CallId}: an engine reconnect attempt failed: {Reason}")]
    private partial void LogAttemptFailed(string callId, string reason);

    [LoggerMessage(EventId = 9450, Level = LogLevel.Information, Message = "Call {CallId}: the drop cut the agent off in item {ItemId} after {Characters} characters of its answer")]
    private partial void LogCutOff(string callId, string itemId, int characters);

    [LoggerMessage(EventId = 9451, Level = LogLevel.Information, Message = "Call {CallId}: the agent was answering when the engine dropped; the new session answers at once")]
    private partial void LogResuming(string callId);

    [LoggerMessage(EventId = 3765, Level = LogLevel.Error, Message = "Call {CallId}: the engine could not be reconnected after {Attempts} attempts; ending the call")]
    private partial void LogGaveUp(string callId, int attempts);

    /// <summary>A response the session has started and not finished: its spoken item and the words of it so far.</summary>
    private sealed class OpenResponse
    {
        private StringBuilder? _text;

        public string? ItemId { get; set; }

        /// <summary>Its transcript came complete (the item is in the replay already).</summary>
        public bool Done { get; set; }

        public void Add(AgentTranscriptDelta delta)
        {
            ItemId ??= delta.ItemId;
            if (delta.ItemId == ItemId)
            {
                (_text ??= new StringBuilder()).Append(delta.Delta);
            }
        }

        /// <summary>The words of a spoken item the drop cut off, or null when nothing of it was said or it was complete.</summary>
        public string? CutOffTranscript() =>
            Done || ItemId is null || _text is null || string.IsNullOrWhiteSpace(_text.ToString()) ? null : _text.ToString().Trim();
    }
}
