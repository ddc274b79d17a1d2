using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Whether a call's engine is reconnecting, and the system notes that arrive meanwhile: there is no session to take them,
/// so they are held and given to the new session, after the dropped session's tool results. The flag and the notes share
/// one lock, so a note is either held or sent to a live session, never lost between the two. Every note given also goes
/// into the conversation replay, so a later session knows it too.
/// </summary>
internal sealed class ReconnectHold(ConversationReplay replay, string callId, ILogger logger)
{
    // How a note appears in the replay: the model must not take it for something the caller said.
    private const string SystemNoteSpeaker = "Phone system (note, not the caller)";

    private readonly Lock _gate = new();
    private readonly List<(string Text, bool Respond)> _notes = [];
    private volatile bool _reconnecting;

    /// <summary>True from a drop until the new session is in place.</summary>
    public bool Reconnecting => _reconnecting;

    /// <summary>The connection dropped: notes from now on are held.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _reconnecting = true;
        }
    }

    /// <summary>
    /// Holds <paramref name="text"/> when the engine is reconnecting (true); otherwise records it in the replay and
    /// returns false: the caller sends it to the current session.
    /// </summary>
    public bool TryHold(string text, bool respond)
    {
        lock (_gate)
        {
            if (_reconnecting)
            {
                _notes.Add((text, respond));
                ReconnectingConversationEngineLog.SystemNoteHeld(logger, callId);
                return true;
            }
        }

        replay.Add(SystemNoteSpeaker, text);
        return false;
    }

    /// <summary>
    /// The new session is in place: what to give it, in order — one note with the dropped session's tool
    /// <paramref name="results"/> (if any), then the held notes — with one response asked for, by the last, when a tool
    /// result or a note wants one. Empty when nothing was held.
    /// </summary>
    public IReadOnlyList<(string Text, bool Respond)> Release(IReadOnlyList<DroppedToolResult> results)
    {
        (string Text, bool Respond)[] notes;
        lock (_gate)
        {
            _reconnecting = false;
            notes = [.. _notes];
            _notes.Clear();
        }

        var items = new List<string>(notes.Length + 1);
        if (results.Count > 0)
        {
            items.Add(ToolResultsNote(results));
        }

        foreach (var (text, _) in notes)
        {
            replay.Add(SystemNoteSpeaker, text);
            items.Add(text);
        }

        if (notes.Length > 0)
        {
            ReconnectingConversationEngineLog.SystemNotesGiven(logger, callId, notes.Length);
        }

        var respond = results.Count > 0 || notes.Any(n => n.Respond);
        return items.Select((text, i) => (text, respond && i == items.Count - 1)).ToArray();
    }

    /// <summary>The note that gives a session the results of tool calls a dropped session asked for (recorded in the replay).</summary>
    public string ToolResultsNote(IReadOnlyList<DroppedToolResult> results)
    {
        foreach (var result in results)
        {
            replay.AddToolResult(result.Name, result.Output);
        }

        ReconnectingConversationEngineLog.ToolResultsNoted(logger, callId, results.Count);
        return DroppedToolResult.Note(results);
    }
}
