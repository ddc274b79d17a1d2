using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// System notes: news from the phone system for the agent (a transfer that failed), never the caller's words. Each goes
// to the engine as a system message with a response requested, so the agent tells the caller. Not over a response in
// progress (the Realtime service refuses a second response while one is active) and not before the engine is ready:
// a note waits for both, as queued injected speech waits for the current response.
public sealed partial class CallLoop
{
    private readonly List<string> _pendingNotes = [];

    /// <summary>Gives the agent <paramref name="text"/> as a system note and asks it to speak about it. False when the call is over.</summary>
    public bool SendSystemNote(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.SystemNote, text, _time.GetTimestamp()));
    }

    /// <summary>Sends the waiting notes once the engine is ready and no response streams; one response for them all.</summary>
    private async ValueTask SendPendingNotesAsync(CancellationToken cancellationToken)
    {
        if (_pendingNotes.Count == 0 || !_engineReady || _responseInProgress is not null)
        {
            return;
        }

        var notes = _pendingNotes.ToArray();
        _pendingNotes.Clear();
        for (var i = 0; i < notes.Length; i++)
        {
            LogSystemNote(_callId, notes[i].Length);
            await _engine.SendSystemNoteAsync(notes[i], respond: i == notes.Length - 1, cancellationToken).ConfigureAwait(false);
        }

        // The agent answers the note: thinking until its audio comes.
        _callerTurnEnded = true;
    }

    [LoggerMessage(EventId = 9492, Level = LogLevel.Information, Message = "Call {CallId}: a system note ({Characters} characters) went to the agent, with a response requested")]
    private partial void LogSystemNote(string callId, int characters);
}
