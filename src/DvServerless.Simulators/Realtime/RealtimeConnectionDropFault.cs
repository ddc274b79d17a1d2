using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Network-fault injection (<see cref="RealtimeSimulatorOptions.ConnectionDrop"/>) for one session: the socket is
/// aborted, no close frame, after a time, after the Nth <c>response.done</c> or some time into the Nth response (the
/// agent cut off mid-sentence), once everything queued before it has been sent. A session that follows a dropped one
/// resumes the caller script where it stopped.
/// </summary>
internal sealed class RealtimeConnectionDropFault(
    RealtimeSessionContext session, RealtimeInputAudioBuffer input, RealtimeConversation conversation, Action stopOutput)
{
    // The frames sent before a drop leave Kestrel's output pipe for the socket asynchronously: give them this long to
    // reach the socket before its sending side is shut, so "after the Nth response" means the client has that response.
    private static readonly TimeSpan DropSettle = TimeSpan.FromMilliseconds(100);

    private bool _armed;
    private int _responsesDone;
    private int _responsesStarted;
    // The drop's timers, disposed with the session through what Start returns. Under the session's lock.
    private readonly List<ITimer> _timers = [];

    /// <summary>
    /// Resumes the caller script where a dropped session stopped, and arms this session's drop when one is configured
    /// and left; returns what to dispose with the session (the drop's timers), or null when it is not armed.
    /// </summary>
    public IDisposable? Start()
    {
        if (session.CallId is not null || session.Config.IsTranscriptionSession)
        {
            return null;
        }

        lock (session.Gate)
        {
            var carried = session.Records.TakeCarriedCallerTurns();
            input.AudioTurns = carried;
            conversation.ResumeCallerTurns(carried);
            if (session.Options.ConnectionDrop is not { } drop || !session.Records.TryArmDrop(drop.Sessions))
            {
                return null;
            }

            _armed = true;
            if (drop.After is { } after)
            {
                _timers.Add(session.Time.CreateTimer(static state => ((RealtimeConnectionDropFault)state!).DropOnTimer(), this, after, Timeout.InfiniteTimeSpan));
            }

            return new DropTimers(session.Gate, _timers);
        }
    }

    /// <summary>Counts a <c>response.created</c> just queued, and arms the drop into it when that was the Nth. Under the session's lock.</summary>
    public void CountResponseStarted()
    {
        _responsesStarted++;
        if (_armed && session.Options.ConnectionDrop is { DuringResponse: { } during } drop && _responsesStarted == during)
        {
            _timers.Add(session.Time.CreateTimer(static state => ((RealtimeConnectionDropFault)state!).DropIntoResponse(), this,
                drop.IntoResponse, Timeout.InfiniteTimeSpan));
        }
    }


    /// <summary>Counts a <c>response.done</c> just queued, and drops the socket after it when that was the Nth. Under the session's lock.</summary>
    public void CountResponse()
    {
        _responsesDone++;
        if (session.Options.ConnectionDrop?.AfterResponses is { } responses && _responsesDone >= responses)
        {
            Schedule("after " + responses.ToString(CultureInfo.InvariantCulture) + " responses");
        }
    }

    /// <summary>
    /// Ends the connection with no close frame and records the drop. Called by the send loop. The TCP stream is ended
    /// (FIN), not reset: a reset would make the client's kernel discard events it had received but not yet read, so the
    /// client gets every event sent before the drop and then a connection closed without a close handshake.
    /// </summary>
    public async Task DropAsync(RealtimeDropRecord drop, WebSocket socket, Socket? transport)
    {
        session.CloseReason ??= "dropped by the simulator (" + drop.Trigger + ")";
        if (transport is not null)
        {
            await Task.Delay(DropSettle, session.Time).ConfigureAwait(false);
            Record(drop);
            try
            {
                transport.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }

            // The client notices the end and closes its side, which ends the receive loop; if it never does, give up.
            session.Lifetime.CancelAfter(TimeSpan.FromSeconds(5));
        }
        else
        {
            Record(drop);
            socket.Abort();
            session.Lifetime.Cancel();
        }
    }

    // Recorded just before the client can notice the drop, so a client that sees its socket end finds the drop recorded.
    private void Record(RealtimeDropRecord drop)
    {
        session.Records.AddDrop(drop with { DroppedAt = session.Time.GetUtcNow() });
        RealtimeSimulatorLog.ConnectionDropped(session.Logger, session.SessionId, drop.Trigger);
    }

    private void DropOnTimer()
    {
        lock (session.Gate)
        {
            Schedule("after " + session.Options.ConnectionDrop!.After!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s");
        }
    }

    private void DropIntoResponse()
    {
        lock (session.Gate)
        {
            var drop = session.Options.ConnectionDrop!;
            Schedule(drop.IntoResponse.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms into response "
                + drop.DuringResponse!.Value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Queues the abort behind what is already queued. Under the session's lock.</summary>
    private void Schedule(string trigger)
    {
        if (!_armed || session.Closing)
        {
            return;
        }

        _armed = false;
        session.Closing = true;
        stopOutput();
        session.Events.Drop(new RealtimeDropRecord(session.SessionId, default, trigger, input.AudioTurns));
    }

    /// <summary>Stops a session's drop timers when the session ends.</summary>
    private sealed class DropTimers(object gate, List<ITimer> timers) : IDisposable
    {
        public void Dispose()
        {
            lock (gate)
            {
                foreach (var timer in timers)
                {
                    timer.Dispose();
                }

                timers.Clear();
            }
        }
    }
}
