using DvServerless.Cli.Calls;
using DvServerless.Core.Calls;

namespace DvServerless.EndToEnd.Tests;

/// <summary>The session document of a finished call, read the way <c>dvs call</c> reads it.</summary>
internal static class FinalSession
{
    /// <summary>Waits (≤ 5 s) for the session to reach a final state; fails the test when there is no session at all.</summary>
    public static async Task<CallSession> ReadAsync(ICallSessionStore sessions, string callId, CancellationToken cancellationToken)
    {
        var session = await CallSessionPolling.WaitForFinalStateAsync(sessions, callId, cancellationToken);
        Assert.True(session is not null, $"no session document for call {callId}");
        return session!;
    }
}
