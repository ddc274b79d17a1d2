using System.Globalization;

namespace DvServerless.Simulators.Realtime;

// Network-fault injection (RealtimeSimulatorOptions.ConnectionDrop): the socket is aborted, no close frame, after a time
// or after the Nth response.done, once everything queued before it has been sent.
internal sealed partial class RealtimeSimulatorSession
{
    // The frames sent before a drop leave Kestrel's output pipe for the socket asynchronously: give them this long to
    // reach the socket before its sending side is shut, so "after the Nth response" means the client has that response.
    private static readonly TimeSpan DropSettle = TimeSpan.FromMilliseconds(100);

    private bool _dropArmed;
    private int _responsesDone;

    /// <summary>The TCP socket under the WebSocket, when the server exposes it; a drop shuts its sending side.</summary>
    public System.Net.Sockets.Socket? Transport { get; init; }

    /// <summary>
    /// Resumes the caller script where a dropped session stopped, and arms this session's drop when one is configured
    /// and left; returns the timer of a time-triggered drop (dispose it with the session).
    /// </summary>
    private ITimer? StartConnectionDrop()
    {
        if (_callId is not null || _config.IsTranscriptionSession)
        {
            return null;
        }

        lock (_state)
        {
            var carried = _records.TakeCarriedCallerTurns();
            _audioTurns = carried;
            _callerTurns = carried;
            if (_options.ConnectionDrop is not { } drop || !_records.TryArmDrop(drop.Sessions))
            {
                return null;
            }

            _dropArmed = true;
            return drop.After is { } after
                ? _time.CreateTimer(static state => ((RealtimeSimulatorSession)state!).DropOnTimer(), this, after, Timeout.InfiniteTimeSpan)
                : null;
        }
    }

    /// <summary>Counts a <c>response.done</c> just queued, and drops the socket after it when that was the Nth. Under the state lock.</summary>
    private void CountResponseForDrop()
    {
        _responsesDone++;
        if (_options.ConnectionDrop?.AfterResponses is { } responses && _responsesDone >= responses)
        {
            ScheduleDrop("after " + responses.ToString(CultureInfo.InvariantCulture) + " responses");
        }
    }

    private void DropOnTimer()
    {
        lock (_state)
        {
            ScheduleDrop("after " + _options.ConnectionDrop!.After!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s");
        }
    }

    /// <summary>Queues the abort behind what is already queued. Under the state lock.</summary>
    private void ScheduleDrop(string trigger)
    {
        if (!_dropArmed || _closing)
        {
            return;
        }

        _dropArmed = false;
        _closing = true;
        _active?.Stop();
        _active = null;
        _outbound.Writer.TryWrite(new OutboundFrame(null, null, null, new RealtimeDropRecord(SessionId, default, trigger, _audioTurns)));
    }

    /// <summary>
    /// Ends the connection with no close frame and records the drop. Called by the send loop. The TCP stream is ended
    /// (FIN), not reset: a reset would make the client's kernel discard events it had received but not yet read, so the
    /// client gets every event sent before the drop and then a connection closed without a close handshake.
    /// </summary>
    private async Task DropAsync(RealtimeDropRecord drop)
    {
        _closeReason ??= "dropped by the simulator (" + drop.Trigger + ")";
        if (Transport is { } transport)
        {
            await Task.Delay(DropSettle, _time).ConfigureAwait(false);
            try
            {
                transport.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // Already gone.
            }

            // The client notices the end and closes its side, which ends the receive loop; if it never does, give up.
            _lifetime.CancelAfter(TimeSpan.FromSeconds(5));
        }
        else
        {
            _socket.Abort();
            _lifetime.Cancel();
        }

        _records.AddDrop(drop with { DroppedAt = _time.GetUtcNow() });
        RealtimeSimulatorLog.ConnectionDropped(_logger, SessionId, drop.Trigger);
    }
}
