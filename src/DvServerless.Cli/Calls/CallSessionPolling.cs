using DvServerless.Core.Calls;

namespace DvServerless.Cli.Calls;

/// <summary>Waits for a call's session document to reach a final state after the simulated caller is gone.</summary>
public static class CallSessionPolling
{
    /// <summary>
    /// Reads the session every 100 ms for up to 5 s until it is final. The end event (CallDisconnected, or the sideband
    /// closing) is applied just after the simulator reports the call over, so the document trails it by a moment.
    /// </summary>
    public static async Task<CallSession?> WaitForFinalStateAsync(ICallSessionStore sessions, string callId, CancellationToken cancellationToken)
    {
        CallSession? session = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            session = await sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
            if (session is not null && CallStateMachine.IsFinal(session.State))
            {
                return session;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return session;
    }
}
