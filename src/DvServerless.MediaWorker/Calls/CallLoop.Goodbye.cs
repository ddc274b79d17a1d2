using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// Last words: speech that cuts the agent off and, once the caller has heard it, ends the call and hangs up, as the
// end_call tool does after the agent's own goodbye. The worker's drain uses it for the calls still running at its end.
public sealed partial class CallLoop
{
    private string? _hangUpReason;

    /// <summary>
    /// Cuts the agent off, plays <paramref name="speech"/>, and once the caller has heard all of it ends the call and
    /// hangs up with <paramref name="reason"/>. False when the call is over.
    /// </summary>
    public bool SayAndHangUp(InjectedSpeech speech, string reason)
    {
        ArgumentNullException.ThrowIfNull(speech);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Say(speech with { Interrupt = true, HangUpReason = reason });
    }

    /// <summary>Ends the call once playout is idle when <paramref name="speech"/> is a call's last words.</summary>
    private void HangUpAfter(InjectedSpeech speech)
    {
        if (speech.HangUpReason is { } reason)
        {
            _hangUpReason = reason;
            _endRequested = true;
            LogLastWords(_callId, reason);
        }
    }

    [LoggerMessage(EventId = 8900, Level = LogLevel.Information, Message = "Call {CallId}: last words playing, hanging up after them ({Reason})")]
    private partial void LogLastWords(string callId, string reason);
}
