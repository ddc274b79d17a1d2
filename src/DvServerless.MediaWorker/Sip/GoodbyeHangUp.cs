using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// The hang-up a SIP call's agent asks for with <c>end_call</c>, held until the response that asked has finished and the
/// far end has played out the audio it queued (<c>output_audio_buffer.stopped</c> / <c>.cleared</c>), or until the
/// goodbye timeout. OpenAI generates the goodbye faster than it plays into the call, so hanging up when the tool call
/// arrives would cut the agent off mid-word. The call's limits end a call the same way (<see cref="RequestLastWordsAsync"/>):
/// the agent is asked to say the goodbye, and the hang-up waits for that response to finish and play.
/// </summary>
/// <remarks>
/// Fed from the sideband's event loop (one task), except <see cref="RequestLastWordsAsync"/>, which the call's limits call
/// from their own task: what both read (<see cref="Ending"/>) is volatile. The timeout runs beside them, so the hang-up
/// itself is claimed once.
/// </remarks>
internal sealed class GoodbyeHangUp(
    IConversationEngine engine,
    IRealtimeCallControl control,
    string sipCallId,
    TimeSpan timeout,
    TimeProvider time,
    Action<string> onHangingUp,
    Action<Exception> onFailed) : IDisposable
{
    private readonly CancellationTokenSource _sidebandOver = new();
    private volatile string? _toolCallId;
    private volatile string? _limitReason;
    private volatile bool _limitResponseStarted;
    private bool _responseDone;
    private int _hungUp;

    /// <summary>True between <c>output_audio_buffer.started</c> and <c>.stopped</c>/<c>.cleared</c>.</summary>
    public bool FarEndPlaying { get; set; }

    /// <summary>Set once the call was hung up for the agent.</summary>
    public string? EndReason { get; private set; }

    /// <summary>The agent called <c>end_call</c> (<paramref name="toolCallId"/>); later calls are ignored. Starts the timeout.</summary>
    public void Request(string toolCallId)
    {
        if (_toolCallId is not null)
        {
            return;
        }

        _toolCallId = toolCallId;
        _ = HangUpAtTimeoutAsync();
    }

    /// <summary>
    /// A limit of the call was reached (<paramref name="endReason"/> is the session's end reason): the agent has been asked
    /// to say the goodbye, and the call is hung up once the next response to start has finished and played (a response
    /// that was already streaming, cancelled for the goodbye, does not count), or at the timeout; with
    /// <paramref name="lastWords"/> false, at once. Ignored once a hang-up was asked for.
    /// </summary>
    public Task RequestLastWordsAsync(string endReason, bool lastWords, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(endReason);
        if (_toolCallId is not null || _limitReason is not null)
        {
            return Task.CompletedTask;
        }

        _limitReason = endReason;
        if (!lastWords)
        {
            return HangUpAsync("no goodbye to say", cancellationToken);
        }

        _ = HangUpAtTimeoutAsync();
        return Task.CompletedTask;
    }

    /// <summary>Whether the call is being ended (by the agent or by a limit).</summary>
    public bool Ending => _toolCallId is not null || _limitReason is not null;

    /// <summary>A response started; after <see cref="RequestLastWordsAsync"/> it is the one saying the goodbye.</summary>
    public void ResponseStarted()
    {
        if (_limitReason is not null)
        {
            _limitResponseStarted = true;
        }
    }

    /// <summary>A response finished; the first after the request is the one that asked.</summary>
    public void ResponseFinished()
    {
        if (_toolCallId is not null || _limitResponseStarted)
        {
            _responseDone = true;
        }
    }

    /// <summary>Hangs up when the asking response is done and nothing plays any more.</summary>
    public Task HangUpIfDueAsync(CancellationToken cancellationToken) =>
        Ending && _responseDone && !FarEndPlaying ? HangUpAsync("its goodbye played", cancellationToken) : Task.CompletedTask;

    /// <summary>The sideband is over: a pending timeout must not hang up a call that is gone.</summary>
    public void Dispose()
    {
        _sidebandOver.Cancel();
        _sidebandOver.Dispose();
    }

    private async Task HangUpAtTimeoutAsync()
    {
        try
        {
            await Task.Delay(timeout, time, _sidebandOver.Token).ConfigureAwait(false);
            await HangUpAsync("the goodbye did not finish in time", CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            onFailed(ex);
        }
    }

    private async Task HangUpAsync(string why, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _hungUp, 1) != 0)
        {
            return;
        }

        onHangingUp(why);
        var hangUp = await control.HangUpAsync(sipCallId, CancellationToken.None).ConfigureAwait(false);
        if (hangUp.Outcome != RealtimeCallControlOutcome.Failed)
        {
            EndReason = _limitReason ?? "the agent ended the call";
            return;
        }

        if (_toolCallId is null)
        {
            return; // A limit's hang-up: no tool waits for an answer; the sideband's end or the SIP leg ends the call.
        }

        // The call goes on: tell the agent, so it does not wait for a hang-up that did not happen.
        await engine.SendToolResultAsync(_toolCallId!, """{"ok":false,"error":"the call could not be ended"}""", cancellationToken).ConfigureAwait(false);
    }
}
