using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Say;

namespace DvServerless.MediaWorker.Calls;

// Injected speech: words the API puts into the call. With interrupt they cut the agent off as a barge-in does; without,
// they wait until the engine's current response is over and play after its audio, never in the middle of one.
public sealed partial class CallLoop
{
    private readonly Queue<(string ItemId, InjectedSpeech Speech)> _pendingSpeech = new();
    private int _injectedCount;

    /// <summary>Speaks <paramref name="speech"/> into the call (see <see cref="InjectedSpeech.Interrupt"/>). False when the call is over.</summary>
    public bool Say(InjectedSpeech speech)
    {
        ArgumentNullException.ThrowIfNull(speech);
        return _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.Say, speech, _time.GetTimestamp()));
    }

    /// <summary>
    /// The call's voice for the worker's own lines: slow tools' filler lines (<see cref="Tools.ToolFiller"/>) and a call
    /// limit's goodbye; null: fillers are not spoken and last words are skipped.
    /// </summary>
    public CallVoice? Voice { get; init; }

    /// <summary>
    /// Says a slow tool's filler line as injected speech queued after the current response, unless
    /// <paramref name="cancellationToken"/> (the tool answered, the call ended) fires while it is being synthesized.
    /// </summary>
    private async Task SayToolFillerAsync(string text, CancellationToken cancellationToken)
    {
        if (Voice is not { } filler || _playout?.LegFormat is not { } format)
        {
            return;
        }

        var pcm = await filler.Speech.SpeakAsync(filler.TenantId, filler.AgentId, text, filler.Voice, format, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        Say(new InjectedSpeech(text, pcm, Interrupt: false));
    }

    /// <summary>Whether <paramref name="itemId"/> is the worker's own audio (the greeting, injected speech), unknown to the engine.</summary>
    private static bool IsLocalItem(string itemId) =>
        itemId == GreetingReady.ItemId || itemId.StartsWith(InjectedSpeech.ItemIdPrefix, StringComparison.Ordinal);

    private async ValueTask HandleSayAsync(InjectedSpeech speech, long timestamp, CancellationToken cancellationToken)
    {
        var itemId = InjectedSpeech.ItemIdPrefix + (++_injectedCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (speech.Interrupt)
        {
            await BargeInAsync(forceCancel: true, timestamp, cancellationToken).ConfigureAwait(false);
            QueueInjected(itemId, speech);
            HangUpAfter(speech);
            return;
        }

        _pendingSpeech.Enqueue((itemId, speech));
        QueuePendingSpeech();
    }

    /// <summary>Queues waiting injected speech once no engine response is streaming (it goes after that response's audio).</summary>
    private void QueuePendingSpeech()
    {
        while (_responseInProgress is null && _pendingSpeech.TryDequeue(out var pending))
        {
            QueueInjected(pending.ItemId, pending.Speech);
        }
    }

    private void QueueInjected(string itemId, InjectedSpeech speech)
    {
        // ReceivedMs is counted in the engine's format: express the leg-format audio's length so (as for the greeting).
        var playout = _playout!;
        var engineBytes = (int)((long)speech.Pcm.Length * _engine.AudioFormat.SampleRate / playout.LegFormat.SampleRate) & ~1;
        playout.Append(itemId, itemId, 0, engineBytes, speech.Pcm);
        playout.CompleteResponse(itemId);
        _turns.InjectedText(itemId, speech.Text);
        _callerTurnEnded = false;
    }
}
