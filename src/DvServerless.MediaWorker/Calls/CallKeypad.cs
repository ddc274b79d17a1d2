namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The caller's keypad on one call, the same for ACS (DtmfData on the media socket) and SIP (the sideband's
/// <c>input_audio_buffer.dtmf_event_received</c>): keys gather into an entry that is complete at <c>#</c> or after a
/// pause (<see cref="CallLoopOptions.KeypadPause"/>, on the call's clock); the entry then goes to the agent as a user text
/// message and into the transcript as a caller line <c>[keypad] 4 2 #</c>.
/// </summary>
/// <remarks>Keys may come from any task; the pause runs on a timer of the injected <see cref="TimeProvider"/>.</remarks>
public sealed class CallKeypad : IDisposable
{
    private readonly KeypressCollector _keys;
    private readonly Action<string> _sendToAgent;
    private readonly Action<string>? _writeTranscript;
    private readonly ITimer _pause;
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>
    /// Creates the keypad. <paramref name="sendToAgent"/> gets the text for the agent, <paramref name="writeTranscript"/>
    /// the transcript line; both are called outside the keypad's lock, once per entry.
    /// </summary>
    public CallKeypad(TimeProvider timeProvider, TimeSpan pause, Action<string> sendToAgent, Action<string>? writeTranscript)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(sendToAgent);
        _keys = new KeypressCollector(timeProvider, pause);
        _sendToAgent = sendToAgent;
        _writeTranscript = writeTranscript;
        _pause = timeProvider.CreateTimer(static state => ((CallKeypad)state!).OnPause(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The transcript line of an entry: <c>[keypad] 4 2 #</c>.</summary>
    public static string TranscriptLine(string keys) => "[keypad] " + string.Join(' ', keys.ToCharArray());

    /// <summary>The caller pressed <paramref name="key"/>: <c>#</c> delivers the entry at once, any other key (re)starts the pause.</summary>
    public void Press(char key)
    {
        string? entry;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            entry = _keys.Add(key);
            _pause.Change(entry is null ? _keys.InterKeyTimeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Deliver(entry);
    }

    /// <summary>Stops the pause timer; keys still pending are dropped with the call.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _pause.Dispose();
    }

    private void OnPause()
    {
        string? entry;
        lock (_gate)
        {
            entry = _disposed ? null : _keys.TakeIfDue();
        }

        Deliver(entry);
    }

    private void Deliver(string? entry)
    {
        if (entry is null)
        {
            return;
        }

        _writeTranscript?.Invoke(TranscriptLine(entry));
        _sendToAgent(KeypressCollector.DescribeForAgent(entry));
    }
}
