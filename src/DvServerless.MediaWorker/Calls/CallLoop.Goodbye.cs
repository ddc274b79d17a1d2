using DvServerless.MediaWorker.Say;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// Last words: speech that cuts the agent off and, once the caller has heard it, ends the call and hangs up, as the
// end_call tool does after the agent's own goodbye. The worker's drain uses it for the calls still running at its end,
// and a call's limits for their goodbyes.
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

    /// <summary>
    /// Speaks <paramref name="text"/> in <paramref name="voice"/> and plays it as the call's last words
    /// (<see cref="SayAndHangUp"/>). The call is hung up whatever happens to the words: with no text, no voice, or a
    /// synthesis that fails or runs past <paramref name="cancellationToken"/>, it is hung up without them. False when the
    /// call is over.
    /// </summary>
    public async Task<bool> SayLastWordsAsync(string text, CallVoice? voice, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] pcm = [];
        if (text.Length > 0 && voice is not null && _playout?.LegFormat is { } format)
        {
            try
            {
                pcm = await voice.Speech.SpeakAsync(voice.TenantId, voice.AgentId, text, voice.Voice, format, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // No words to say (speech unavailable, the provider failed or was slow): the call must end all the same.
                LogLastWordsUnavailable(_callId, reason, e.Message);
            }
        }

        return SayAndHangUp(new InjectedSpeech(text, pcm, Interrupt: true), reason);
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

    [LoggerMessage(EventId = 9512, Level = LogLevel.Warning, Message = "Call {CallId}: the last words ({Reason}) could not be spoken ({Error}); hanging up without them")]
    private partial void LogLastWordsUnavailable(string callId, string reason, string error);

    [LoggerMessage(EventId = 8900, Level = LogLevel.Information, Message = "Call {CallId}: last words playing, hanging up after them ({Reason})")]
    private partial void LogLastWords(string callId, string reason);
}
