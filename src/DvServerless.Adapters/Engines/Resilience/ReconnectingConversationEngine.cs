using System.Runtime.CompilerServices;
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
/// goes on instead of leaving the caller in silence until they speak again. A tool call the dropped session asked for
/// and the call loop still runs has its result given to the new session as a system note, with a response requested, so
/// the caller hears what the tool did (<see cref="InFlightToolCalls"/>); a system note the call sends while it reconnects
/// (e.g. a transfer that failed), or that the dead connection refuses before the drop is seen, is held the same way and
/// given to the new session. Caller audio is not held: it is stale by then.
/// The parts: <see cref="EngineSessionStarter"/> (attempts and backoff), <see cref="ConversationRecord"/> and
/// <see cref="ConversationReplay"/> (what was said, the turn in progress), <see cref="ReconnectHold"/> (the one owner of
/// "reconnecting", with the tool calls and the notes held meanwhile), <see cref="SessionAudioTimeline"/> and
/// <see cref="HandoverSchedule"/>; this type moves the call between sessions.
/// </remarks>
public sealed class ReconnectingConversationEngine : IConversationEngine
{
    private readonly EngineReconnectOptions _options;
    private readonly ILogger _logger;
    private readonly string _callId;
    private readonly ConversationReplay _replay;
    private readonly ConversationRecord _record;
    private readonly EngineSessionStarter _starter;
    private readonly SessionAudioTimeline _timeline;
    private readonly HandoverSchedule _handover;
    private volatile IConversationEngine _current;
    private readonly ReconnectHold _hold;
    private int _disposed;

    /// <summary>Wraps <paramref name="first"/>; <paramref name="create"/> makes each later engine for the agent it is given.</summary>
    public ReconnectingConversationEngine(string callId, IConversationEngine first, Func<AgentOptions, IConversationEngine> create, AgentOptions agent,
        TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(agent);
        _callId = callId;
        _current = first;
        _options = agent.Reconnect;
        _logger = logger;
        _replay = new ConversationReplay(_options.MaxReplayCharacters);
        _record = new ConversationRecord(_replay, callId, logger);
        _hold = new ReconnectHold(_replay, callId, logger);
        _starter = new EngineSessionStarter(callId, create, agent, _replay, timeProvider, logger);
        _handover = new HandoverSchedule(_options.HandoverAfter, timeProvider);
        AudioFormat = first.AudioFormat;
        _timeline = new SessionAudioTimeline(AudioFormat);
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
        _handover.SessionStarted();
    }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        _timeline.Sent(audio.Length);
        if (_hold.Reconnecting)
        {
            return ValueTask.CompletedTask;
        }

        // Fifty times a second per call: no closure for Quietly, and no state machine when the send completes at once.
        ValueTask send;
        try
        {
            send = _current.SendAudioAsync(audio, cancellationToken);
        }
        catch (Exception ex) when (IsQuiet(ex, cancellationToken))
        {
            return ValueTask.CompletedTask;
        }

        if (!send.IsCompletedSuccessfully)
        {
            return QuietlyAwait(send, cancellationToken);
        }

        send.GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken) =>
        Quietly(e => e.CreateResponseAsync(instructions, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        _replay.Add("Caller (typed)", text);
        return Quietly(e => e.SendUserTextAsync(text, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>While the engine reconnects there is no session to take it: it is held and given to the new one.</remarks>
    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return DeliverAsync(new SessionNote(text, respond), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask CancelResponseAsync(CancellationToken cancellationToken) =>
        Quietly(e => e.CancelResponseAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken) =>
        Quietly(e => e.TruncateAsync(itemId, contentIndex, audioEndMs, cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// A result for a call of a session that has since dropped cannot be a <c>function_call_output</c> (the current
    /// session never issued that call_id): it becomes a note to the current session, or to the next one while reconnecting.
    /// </remarks>
    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken)
    {
        switch (_hold.Route(callId, output, out var name))
        {
            case ToolResultRoute.NoteNow:
                // A system item plus response.create: the one item a new session accepts for a call_id it never issued.
                return DeliverAsync(SessionNote.Of([new DroppedToolResult(callId, name!, output)]), cancellationToken);
            case ToolResultRoute.Held:
                ReconnectingConversationEngineLog.ToolResultHeld(_logger, _callId, name!, callId);
                return ValueTask.CompletedTask;
            case ToolResultRoute.Duplicate:
                ReconnectingConversationEngineLog.ToolResultDuplicate(_logger, _callId, callId);
                return ValueTask.CompletedTask;
            default:
                if (name is not null)
                {
                    _replay.AddToolResult(name, output);
                }

                return Quietly(e => e.SendToolResultAsync(callId, output, cancellationToken), cancellationToken);
        }
    }

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

                    var current = _timeline.OnCallTimeline(events.Current);
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
            ReconnectingConversationEngineLog.Dropped(_logger, _callId, closed?.Reason ?? "the event stream ended");
            // Before the call loop runs again (at the next yield): a result or note it gives from now on is held for the next session.
            var orphaned = _hold.SessionDropped();
            var dropped = _record.CloseOnDrop();
            foreach (var (toolCallId, toolName) in orphaned)
            {
                _replay.AddToolPending(toolName);
                ReconnectingConversationEngineLog.ToolCallOrphaned(_logger, _callId, toolName, toolCallId);
            }

            foreach (var closing in dropped.Events)
            {
                yield return closing;
            }

            var fresh = await _starter.ReconnectAsync(cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                yield return closed ?? new EngineClosed("the engine connection dropped and could not be restored");
                yield break;
            }

            await SwapAsync(fresh).ConfigureAwait(false);
            var (notes, toolsStillRunning) = _hold.Release();
            if (notes.Count > 0)
            {
                // The results and notes that came meanwhile are what the agent says next (the last note asks for the response).
                foreach (var note in notes)
                {
                    await DeliverAsync(note, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (dropped.AgentOwesAnswer && !toolsStillRunning)
            {
                // The agent was mid-answer or owed one: the new session answers now, from the replayed conversation,
                // rather than after the caller breaks the silence. No instructions here: they would replace the session's.
                // Not while a tool of the dropped session runs: its result brings the answer, and a response now could
                // still be going when the result asks for one.
                ReconnectingConversationEngineLog.Resuming(_logger, _callId);
                await Quietly(e => e.CreateResponseAsync(null, cancellationToken), cancellationToken).ConfigureAwait(false);
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

    private void Track(EngineEvent engineEvent)
    {
        _record.Track(engineEvent);
        _hold.Track(engineEvent);
        if (engineEvent is ToolCallRequested requested)
        {
            _replay.AddToolCall(requested.Name, requested.ArgumentsJson);
        }
    }

    // Not while a tool call is unsettled: its result would go to a session that never issued it.
    private bool IsHandoverDue() => _handover.IsDue && _record.AtPause && !_hold.AnyToolCallUnsettled;

    private async Task<bool> TryHandOverAsync(CancellationToken cancellationToken)
    {
        if (await _starter.TryStartAsync(cancellationToken).ConfigureAwait(false) is not { } fresh)
        {
            _handover.Postpone();
            return false;
        }

        ReconnectingConversationEngineLog.HandedOver(_logger, _callId);
        await SwapAsync(fresh).ConfigureAwait(false);
        return true;
    }

    private async Task SwapAsync(IConversationEngine fresh)
    {
        var old = _current;
        // From here the caller's audio goes to the fresh session, whose clock starts at this much of the call's audio.
        _timeline.NewSession();
        _current = fresh;
        // After _current: a send that read the old session's number then failed on the old engine is sent again to this one.
        _hold.SessionReplaced();
        _handover.SessionStarted();
        Reconnects++;
        try
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReconnectingConversationEngineLog.AttemptFailed(_logger, _callId, "closing the old engine: " + ex.Message);
        }
    }

    // Held or sent to a live session, never lost between (see ReconnectHold.DeliverAsync).
    private ValueTask DeliverAsync(SessionNote note, CancellationToken cancellationToken) =>
        _hold.DeliverAsync(note, () => _current, cancellationToken);

    private ValueTask Quietly(Func<IConversationEngine, ValueTask> send, CancellationToken cancellationToken)
    {
        try
        {
            return QuietlyAwait(send(_current), cancellationToken);
        }
        catch (Exception ex) when (IsQuiet(ex, cancellationToken))
        {
            return ValueTask.CompletedTask;
        }
    }

    private async ValueTask QuietlyAwait(ValueTask send, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsQuiet(ex, cancellationToken))
        {
            // The session is gone; the event side notices the close and reconnects. Nothing to send it to until then.
        }
    }

    private bool IsQuiet(Exception ex, CancellationToken cancellationToken) => EngineSendFailure.IsQuiet(ex, _hold.Reconnecting, cancellationToken);
}
