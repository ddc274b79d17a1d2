using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// One simulated PSTN call through the <see cref="AcsSimulator"/>: the IncomingCall delivery, the answer, the
/// callbacks, the media WebSocket with the caller's real-time audio and the ACS playout of the agent's audio, and the
/// hang-up. Read <see cref="ReadProgressAsync"/> for live notes and await <see cref="Completion"/> for the record.
/// </summary>
/// <remarks>
/// This type runs the call from ringing to its end and gathers its result; its parts have their own types: the shared
/// state and callbacks (<see cref="SimulatedCallContext"/>), the Call Automation operations the app invokes
/// (<see cref="SimulatedCallOperations"/>), media streaming (<see cref="SimulatedCallMedia"/>), the record
/// (<see cref="SimulatedCallRecorder"/>), and the pieces that talk to the app: the <see cref="IncomingCallDelivery"/>,
/// the <see cref="AcsCallbackPoster"/> and the <see cref="AcsMediaSession"/>.
/// </remarks>
public sealed class SimulatedCall : IDisposable
{
    private readonly SimulatedCallContext _call;
    private readonly IncomingCallDelivery _incoming;
    private readonly TaskCompletionSource<SimulatedCallResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SimulatedCall(AcsSimulator simulator, SimulatedCallRequest request)
    {
        _call = new SimulatedCallContext(simulator, request);
        Media = new SimulatedCallMedia(this, _call);
        Operations = new SimulatedCallOperations(this, _call, Media);
        _incoming = new IncomingCallDelivery(simulator, this, request);
    }

    /// <summary>The opaque <c>incomingCallContext</c> of this call's IncomingCall event.</summary>
    public string IncomingCallContext => _call.IncomingCallContext;

    /// <summary>The server call id.</summary>
    public string ServerCallId => _call.ServerCallId;

    /// <summary>The correlation id.</summary>
    public string CorrelationId => _call.CorrelationId;

    /// <summary>The media streaming subscription id (<c>audioMetadata.subscriptionId</c>).</summary>
    public string MediaSubscriptionId => _call.MediaSubscriptionId;

    /// <summary>The call connection id, once answered.</summary>
    public string? CallConnectionId => _call.CallConnectionId;

    /// <summary>The call connection state (<c>connecting</c>, <c>connected</c>, <c>disconnected</c>, …).</summary>
    public string State
    {
        get
        {
            lock (_call.Gate)
            {
                return _call.State;
            }
        }
    }

    /// <summary>Answers that succeeded so far.</summary>
    public int AnswerCount
    {
        get
        {
            lock (_call.Gate)
            {
                return _call.AnswerCount;
            }
        }
    }

    /// <summary>Completes with the full record when the call has ended.</summary>
    public Task<SimulatedCallResult> Completion => _completion.Task;

    /// <summary>Completes when the call is answered.</summary>
    public Task Answered => _call.Answered.Task;

    /// <summary>The Call Automation operations the app invokes on this call.</summary>
    internal SimulatedCallOperations Operations { get; }

    /// <summary>This call's media streaming.</summary>
    internal SimulatedCallMedia Media { get; }

    /// <summary>True once the call has ended, however it ended.</summary>
    internal bool IsEnded => _call.IsEnded;

    /// <summary>True when the app answered with a bidirectional stream, so audio it sends is played to the caller.</summary>
    internal bool AcceptsAppAudio => _call.Answer?.Media?.EnableBidirectional == true;

    /// <summary>True once the app stopped media streaming; the caller does not hang up for the silence that follows.</summary>
    internal bool MediaStoppedByApp => Media.StoppedByApp;

    /// <summary>Live progress notes; completes when the call ends. Single reader.</summary>
    public IAsyncEnumerable<SimulatedCallProgress> ReadProgressAsync(CancellationToken cancellationToken = default) =>
        _call.Progress.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Releases the media stop source and the playout buffer. The simulator that placed the call disposes it when it is
    /// disposed itself, once the call has completed; <see cref="Completion"/>'s record stays readable.
    /// </summary>
    public void Dispose() => Media.Dispose();

    /// <summary>The caller hangs up now (CallDisconnected 200/5001).</summary>
    public Task<SimulatedCallResult> HangUpAsync()
    {
        CallerHangsUp();
        return Completion;
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var callbackSender = _call.Callbacks.RunAsync();
        var ended = _call.Ended;
        try
        {
            using var registration = cancellationToken.Register(() => ended.TrySetResult((SimulatedCallOutcome.Aborted, null)));
            // The call rings from the first delivery on; redeliveries go on in the background while it does.
            var delivering = _incoming.RunAsync(ended.Task, cancellationToken);
            var timeout = Task.Delay(_call.Request.AnswerTimeout, _call.Time, CancellationToken.None);
            await Task.WhenAny(_call.Answered.Task, ended.Task, timeout).ConfigureAwait(false);
            lock (_call.Gate)
            {
                if (!_call.Answered.Task.IsCompleted && !ended.Task.IsCompleted)
                {
                    ended.TrySetResult((_incoming.AllFailed ? SimulatedCallOutcome.DeliveryFailed : SimulatedCallOutcome.NotAnswered, null));
                }
            }

            if (_call.Answered.Task.IsCompleted)
            {
                _ = EndAfterMaxDurationAsync();
            }

            var (outcome, subCode) = await ended.Task.ConfigureAwait(false);
            string? connectionId;
            lock (_call.Gate)
            {
                connectionId = _call.CallConnectionId;
                if (_call.AnswerCount > 0)
                {
                    _call.State = "disconnected";
                }
            }

            // ACS posts CallDisconnected and closes the media socket together.
            if (connectionId is not null && subCode is { } code && _call.Answer is { } answer)
            {
                var message = code == 5001 ? "This conversation has ended." : "Call was ended by Azure Communication Service Call Automation API or a server bot";
                _call.Post("CallDisconnected", answer.CallbackUri, null, (200, code, message));
            }

            await Media.EndAsync().ConfigureAwait(false);

            // Redeliveries stop once the call has ended; wait for any in flight so the result lists every attempt.
            await delivering.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            Note(outcome switch
            {
                SimulatedCallOutcome.CallerHungUp => "hung up (caller)",
                SimulatedCallOutcome.AppHungUp => "hung up (app)",
                _ => "ended: " + outcome,
            });
            _call.Callbacks.Complete();
            // The call's token may have fired already (simulator stopping): the last callbacks still get their 15 s.
            await Task.WhenAny(callbackSender, Task.Delay(TimeSpan.FromSeconds(15), _call.Time, CancellationToken.None)).ConfigureAwait(false);
            AcsSimulatorLog.CallEnded(_call.Simulator.Logger, connectionId ?? "(unanswered)", outcome);
            _completion.TrySetResult(BuildResult(outcome, subCode));
        }
        catch (Exception exception)
        {
            AcsSimulatorLog.CallCrashed(_call.Simulator.Logger, exception);
            _call.Callbacks.Complete();
            var result = BuildResult(SimulatedCallOutcome.Aborted, null);
            _completion.TrySetResult(result with { ProtocolErrors = [.. result.ProtocolErrors, "simulator error: " + exception.Message] });
        }
        finally
        {
            _call.CompleteProgress();
        }
    }

    /// <summary>The caller hangs up (CallDisconnected 200/5001).</summary>
    internal void CallerHangsUp() => _call.Ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001));

    /// <summary>The media WebSocket could not be connected: MediaStreamingFailed, as ACS reports it.</summary>
    internal void OnMediaConnectFailed(string error) => Media.OnConnectFailed(error);

    /// <summary>The media WebSocket connected: MediaStreamingStarted.</summary>
    internal void OnMediaConnected() => Media.OnConnected();

    /// <summary>The media socket failed under the call (<paramref name="error"/> says how): MediaStreamingFailed, and the call ends.</summary>
    internal void OnMediaLost(string error) => Media.OnLost(error);

    /// <summary>The caller's side of the stream stopped, <paramref name="endedAt"/> after it connected.</summary>
    internal void OnMediaEnded(TimeSpan endedAt)
    {
        lock (_call.Gate)
        {
            _call.Record.EndedAt = endedAt;
        }
    }

    /// <summary>The caller finished speaking, <paramref name="at"/> after media connected.</summary>
    internal void OnCallerAudioEnded(TimeSpan at)
    {
        lock (_call.Gate)
        {
            _call.Record.CallerAudioEndedAt = at;
        }

        Note("caller audio done");
    }

    /// <summary>One DtmfData key went out.</summary>
    internal void OnToneSent(char key)
    {
        _call.Record.AddTone(key);
        Note("key pressed: " + key);
    }

    /// <summary>One AudioData frame went out.</summary>
    internal void OnAudioFrameSent() => _call.Record.AddAudioFrame();

    /// <summary>Records a message the app sent on the media socket (when the request keeps the media record).</summary>
    internal void RecordOutbound(OutboundMediaMessage message) => _call.Record.AddOutbound(message);

    /// <summary>Records a breach of the media protocol by the app.</summary>
    internal void AddProtocolError(string error)
    {
        _call.Record.AddProtocolError(error);
        AcsSimulatorLog.MediaProtocolError(_call.Simulator.Logger, CallConnectionId ?? "(none)", error);
    }

    /// <summary>Adds a live progress note.</summary>
    internal void Note(string note) => _call.Note(note);

    private async Task EndAfterMaxDurationAsync()
    {
        await Task.WhenAny(_call.Ended.Task, Task.Delay(_call.Request.MaxDuration, _call.Time)).ConfigureAwait(false);
        if (_call.Ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001)))
        {
            Note("maximum duration reached");
        }
    }

    private SimulatedCallResult BuildResult(SimulatedCallOutcome outcome, int? subCode)
    {
        lock (_call.Gate)
        {
            var playout = Media.Playout;
            return _call.Record.ToResult(outcome) with
            {
                CallConnectionId = _call.CallConnectionId,
                AnswerCount = _call.AnswerCount,
                IncomingCallDeliveries = _incoming.Statuses,
                HeardAudio = playout?.HeardAudio() ?? [],
                HeardFormat = _call.Answer?.Media?.Format ?? AudioFormat.Pcm16k,
                Segments = playout?.Segments() ?? [],
                PlayoutGaps = playout?.Gaps() ?? [],
                StopAudios = playout?.Stops.ToArray() ?? [],
                Callbacks = _call.Callbacks.Delivered,
                Duration = _call.Elapsed,
                DisconnectSubCode = subCode is not null && _call.AnswerCount > 0 ? subCode : null,
            };
        }
    }
}
