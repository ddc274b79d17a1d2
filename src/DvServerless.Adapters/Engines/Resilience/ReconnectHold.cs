using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The one owner of "the engine is reconnecting" for a call, and of what waits for the next session meanwhile: the
/// results of the dropped session's tool calls (<see cref="InFlightToolCalls"/>) and the system notes the call sent.
/// The flag, the tool calls and both holds share one lock, so a note or tool result is either held or sent to a live
/// session, never lost between; a send that finds the connection gone before the event side saw the drop is held too
/// (<see cref="HoldFailed"/>). Every note given also goes into the conversation replay, so a later session knows it.
/// </summary>
/// <remarks>
/// Thread-safe: tool calls and drops are seen on the event reader, notes and results come from the call's control task.
/// </remarks>
internal sealed class ReconnectHold(ConversationReplay replay, string callId, ILogger logger)
{
    // How a note appears in the replay: the model must not take it for something the caller said.
    private const string SystemNoteSpeaker = "Phone system (note, not the caller)";

    private readonly Lock _gate = new();
    private readonly InFlightToolCalls _toolCalls = new();
    private readonly List<DroppedToolResult> _results = [];
    private readonly List<SessionNote> _notes = [];
    private volatile bool _reconnecting;
    private int _session;

    /// <summary>True from a drop (seen by the event side, or by a send) until the new session is in place.</summary>
    public bool Reconnecting => _reconnecting;

    /// <summary>A tool call is unsettled (running, or its result not yet spoken): a hand-over now would strand it.</summary>
    public bool AnyToolCallUnsettled
    {
        get
        {
            lock (_gate)
            {
                return _toolCalls.Any || _results.Count > 0;
            }
        }
    }

    /// <summary>Takes one event of the current session (see <see cref="InFlightToolCalls.Track"/>).</summary>
    public void Track(EngineEvent engineEvent)
    {
        lock (_gate)
        {
            _toolCalls.Track(engineEvent);
        }
    }

    /// <summary>Where the result of tool call <paramref name="toolCallId"/> goes; a <see cref="ToolResultRoute.Held"/> one is kept here.</summary>
    public ToolResultRoute Route(string toolCallId, string output, out string? name)
    {
        lock (_gate)
        {
            var route = _toolCalls.Route(toolCallId, output, _reconnecting, out name);
            if (route == ToolResultRoute.Held)
            {
                _results.Add(new DroppedToolResult(toolCallId, name!, output));
            }

            return route;
        }
    }

    /// <summary>
    /// The event side saw the connection end: from now on notes and results are held. Returns the dropped session's
    /// tool calls still without a result; an output it was sent but never answered is held for the next session.
    /// </summary>
    public IReadOnlyList<(string CallId, string Name)> SessionDropped()
    {
        lock (_gate)
        {
            _reconnecting = true;
            return _toolCalls.SessionDropped(_results);
        }
    }

    /// <summary>
    /// The call's engine was replaced (a reconnect or a hand-over). Called after the new engine is current, so a send
    /// that read the old number but went to the new engine is tried again, not held for a session that is up already.
    /// </summary>
    public void SessionReplaced()
    {
        lock (_gate)
        {
            _session++;
        }
    }

    /// <summary>
    /// Gives <paramref name="note"/> to the <paramref name="current"/> engine's live session or holds it for the next one,
    /// never loses it between: a send that fails because the connection is gone (the same failures the engine's other
    /// sends swallow, <see cref="EngineSendFailure"/>) is held as if it came while reconnecting. Not when the call
    /// cancelled it: the call is ending, there is nobody to tell, and the cancellation goes through.
    /// </summary>
    public async ValueTask DeliverAsync(SessionNote note, Func<IConversationEngine> current, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryHold(note, out var session))
            {
                return;
            }

            try
            {
                await current().SendSystemNoteAsync(note.Text, note.Respond, cancellationToken).ConfigureAwait(false);
                Delivered(note);
                return;
            }
            catch (Exception ex) when (EngineSendFailure.IsQuiet(ex, _reconnecting, cancellationToken))
            {
                if (cancellationToken.IsCancellationRequested || HoldFailed(note, session))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Holds <paramref name="note"/> when the engine is reconnecting (true); otherwise returns false and the number of
    /// the current session in <paramref name="session"/>: the caller sends the note to the current engine.
    /// </summary>
    private bool TryHold(SessionNote note, out int session)
    {
        lock (_gate)
        {
            session = _session;
            if (!_reconnecting)
            {
                return false;
            }

            HoldLocked(note);
            return true;
        }
    }

    /// <summary>
    /// The send of <paramref name="note"/> to session <paramref name="session"/> failed as a gone connection. While that
    /// session is still the current one the event side has not seen the drop yet but will, and reconnect: the hold starts
    /// now and the note is held (true). False when a newer session is up already: the caller sends the note to it.
    /// </summary>
    private bool HoldFailed(SessionNote note, int session)
    {
        lock (_gate)
        {
            if (!_reconnecting)
            {
                if (session != _session)
                {
                    return false;
                }

                _reconnecting = true;
                ReconnectingConversationEngineLog.ConnectionGoneOnSend(logger, callId);
            }

            HoldLocked(note);
            return true;
        }
    }

    /// <summary>A live session took <paramref name="note"/>: it joins the replay, so a later session knows it too.</summary>
    private void Delivered(SessionNote note)
    {
        if (note.Results is null)
        {
            replay.Add(SystemNoteSpeaker, note.Text);
            return;
        }

        foreach (var result in note.Results)
        {
            replay.AddToolResult(result.Name, result.Output);
        }

        ReconnectingConversationEngineLog.ToolResultsNoted(logger, callId, note.Results.Count);
    }

    /// <summary>
    /// The new session is in place: what to give it, in order — one note with the dropped session's held tool results
    /// (if any), then the held notes — with one response asked for, by the last, when a tool result or a note wants one;
    /// and whether a dropped session's tool still runs (its result brings the agent's next answer).
    /// </summary>
    public (IReadOnlyList<SessionNote> Notes, bool ToolsStillRunning) Release()
    {
        DroppedToolResult[] results;
        SessionNote[] notes;
        bool stillRunning;
        lock (_gate)
        {
            _reconnecting = false;
            results = [.. _results];
            _results.Clear();
            stillRunning = _toolCalls.SessionRestored(results);
            notes = [.. _notes];
            _notes.Clear();
        }

        var items = new List<SessionNote>(notes.Length + 1);
        if (results.Length > 0)
        {
            items.Add(SessionNote.Of(results));
        }

        items.AddRange(notes);
        if (notes.Length > 0)
        {
            ReconnectingConversationEngineLog.SystemNotesGiven(logger, callId, notes.Length);
        }

        var respond = items.Any(n => n.Respond);
        return (items.Select((note, i) => note with { Respond = respond && i == items.Count - 1 }).ToArray(), stillRunning);
    }

    private void HoldLocked(SessionNote note)
    {
        if (note.Results is null)
        {
            _notes.Add(note);
            ReconnectingConversationEngineLog.SystemNoteHeld(logger, callId);
            return;
        }

        // Held as results, not as their note: they join the one note of all held results the next session gets first.
        foreach (var result in note.Results)
        {
            _results.Add(result);
            ReconnectingConversationEngineLog.ToolResultHeld(logger, callId, result.Name, result.CallId);
        }
    }
}
