using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// One simulated PSTN call through the <see cref="AcsSimulator"/>: the IncomingCall delivery, the answer, the
/// callbacks, the media WebSocket with the caller's real-time audio and the ACS playout of the agent's audio, and the
/// hang-up. Read <see cref="ReadProgressAsync"/> for live notes and await <see cref="Completion"/> for the record.
/// </summary>
/// <remarks>
/// This type holds the call's state and its record; the pieces that talk to the app are their own types: the
/// <see cref="IncomingCallDelivery"/>, the <see cref="AcsCallbackPoster"/> and the <see cref="AcsMediaSession"/>. The
/// Call Automation operations the app invokes are in <c>SimulatedCall.Operations.cs</c>.
/// </remarks>
public sealed partial class SimulatedCall : IDisposable
{
    private readonly AcsSimulator _simulator;
    private readonly SimulatedCallRequest _request;
    private readonly TimeProvider _time;
    private readonly long _placedAt;
    private readonly object _gate = new();
    private readonly Channel<SimulatedCallProgress> _progress = Channel.CreateUnbounded<SimulatedCallProgress>();
    private readonly AcsCallbackPoster _callbacks;
    private readonly IncomingCallDelivery _incoming;
    private readonly List<string> _protocolErrors = [];
    private readonly List<string> _plays = [];
    private readonly List<char> _tonesSent = [];
    private readonly List<OutboundMediaMessage> _outbound = [];
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(SimulatedCallOutcome Outcome, int? SubCode)> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SimulatedCallResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _mediaStop = new();
    private readonly ReadOnlyMemory<byte> _callerPcm;
    private readonly AudioFormat _callerFormat;

    private AnswerSettings? _answer;
    private string _state = "unknown";
    private string _subscriptionState = "disabled";
    private int _answerCount;
    private int _answerAttempts;
    private bool _refused;
    private Task? _mediaTask;
    private bool _mediaStopped;
    private bool _mediaConnected;
    private string? _mediaConnectError;
    private TimeSpan? _answeredAfter;
    private TimeSpan? _mediaStartedAfter;
    private TimeSpan? _callerAudioEndedAt;
    private TimeSpan? _endedAt;
    private int _framesSent;
    private string? _transferTarget;
    private AcsPlayoutQueue? _playout;

    internal SimulatedCall(AcsSimulator simulator, SimulatedCallRequest request)
    {
        _simulator = simulator;
        _request = request;
        _time = simulator.Options.TimeProvider;
        _placedAt = _time.GetTimestamp();
        if (request.CallerWavPath is not null)
        {
            (_callerPcm, _callerFormat) = CallerSpeech.ReadWav(File.ReadAllBytes(request.CallerWavPath));
        }
        else
        {
            (_callerPcm, _callerFormat) = (request.CallerAudio, request.CallerAudioFormat);
        }

        IncomingCallContext = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        ServerCallId = Convert.ToBase64String(Encoding.UTF8.GetBytes("https://simulator.local/conv/" + Guid.NewGuid())).TrimEnd('=');
        CorrelationId = Guid.NewGuid().ToString();
        MediaSubscriptionId = Guid.NewGuid().ToString();
        _callbacks = new AcsCallbackPoster(simulator, _time);
        _incoming = new IncomingCallDelivery(simulator, this, request);
    }

    /// <summary>The opaque <c>incomingCallContext</c> of this call's IncomingCall event.</summary>
    public string IncomingCallContext { get; }

    /// <summary>The server call id.</summary>
    public string ServerCallId { get; }

    /// <summary>The correlation id.</summary>
    public string CorrelationId { get; }

    /// <summary>The media streaming subscription id (<c>audioMetadata.subscriptionId</c>).</summary>
    public string MediaSubscriptionId { get; }

    /// <summary>The call connection id, once answered.</summary>
    public string? CallConnectionId { get; private set; }

    /// <summary>The call connection state (<c>connecting</c>, <c>connected</c>, <c>disconnected</c>, …).</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Answers that succeeded so far.</summary>
    public int AnswerCount
    {
        get
        {
            lock (_gate)
            {
                return _answerCount;
            }
        }
    }

    /// <summary>Completes with the full record when the call has ended.</summary>
    public Task<SimulatedCallResult> Completion => _completion.Task;

    /// <summary>Completes when the call is answered.</summary>
    public Task Answered => _answered.Task;

    /// <summary>Live progress notes; completes when the call ends. Single reader.</summary>
    public IAsyncEnumerable<SimulatedCallProgress> ReadProgressAsync(CancellationToken cancellationToken = default) =>
        _progress.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Releases the media stop source and the playout buffer. The simulator that placed the call disposes it when it is
    /// disposed itself, once the call has completed; <see cref="Completion"/>'s record stays readable.
    /// </summary>
    public void Dispose()
    {
        _mediaStop.Dispose();
        _playout?.Dispose();
    }

    /// <summary>The caller hangs up now (CallDisconnected 200/5001).</summary>
    public Task<SimulatedCallResult> HangUpAsync()
    {
        _ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001));
        return Completion;
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var callbackSender = _callbacks.RunAsync();
        try
        {
            using var registration = cancellationToken.Register(() => _ended.TrySetResult((SimulatedCallOutcome.Aborted, null)));
            // The call rings from the first delivery on; redeliveries go on in the background while it does.
            var delivering = _incoming.RunAsync(_ended.Task, cancellationToken);
            var timeout = Task.Delay(_request.AnswerTimeout, _time, CancellationToken.None);
            await Task.WhenAny(_answered.Task, _ended.Task, timeout).ConfigureAwait(false);
            lock (_gate)
            {
                if (!_answered.Task.IsCompleted && !_ended.Task.IsCompleted)
                {
                    _ended.TrySetResult((_incoming.AllFailed ? SimulatedCallOutcome.DeliveryFailed : SimulatedCallOutcome.NotAnswered, null));
                }
            }

            if (_answered.Task.IsCompleted)
            {
                _ = EndAfterMaxDurationAsync();
            }

            var (outcome, subCode) = await _ended.Task.ConfigureAwait(false);
            string? connectionId;
            lock (_gate)
            {
                connectionId = CallConnectionId;
                if (_answerCount > 0)
                {
                    _state = "disconnected";
                }
            }

            // ACS posts CallDisconnected and closes the media socket together.
            if (connectionId is not null && subCode is { } code && _answer is { } answer)
            {
                var message = code == 5001 ? "This conversation has ended." : "Call was ended by Azure Communication Service Call Automation API or a server bot";
                Post("CallDisconnected", answer.CallbackUri, null, (200, code, message));
            }

            _mediaStop.Cancel();
            Task? mediaTask;
            lock (_gate)
            {
                mediaTask = _mediaTask;
            }

            if (mediaTask is { } media)
            {
                await media.ConfigureAwait(false);
            }

            // Redeliveries stop once the call has ended; wait for any in flight so the result lists every attempt.
            await delivering.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            Note(outcome switch
            {
                SimulatedCallOutcome.CallerHungUp => "hung up (caller)",
                SimulatedCallOutcome.AppHungUp => "hung up (app)",
                _ => "ended: " + outcome,
            });
            _callbacks.Complete();
            // The call's token may have fired already (simulator stopping): the last callbacks still get their 15 s.
            await Task.WhenAny(callbackSender, Task.Delay(TimeSpan.FromSeconds(15), _time, CancellationToken.None)).ConfigureAwait(false);
            AcsSimulatorLog.CallEnded(_simulator.Logger, connectionId ?? "(unanswered)", outcome);
            _completion.TrySetResult(BuildResult(outcome, subCode));
        }
        catch (Exception exception)
        {
            AcsSimulatorLog.CallCrashed(_simulator.Logger, exception);
            _callbacks.Complete();
            _completion.TrySetResult(BuildResult(SimulatedCallOutcome.Aborted, null) with { ProtocolErrors = [.. _protocolErrors, "simulator error: " + exception.Message] });
        }
        finally
        {
            _progress.Writer.TryComplete();
        }
    }

    /// <summary>True once the call has ended, however it ended.</summary>
    internal bool IsEnded => _ended.Task.IsCompleted;

    /// <summary>True when the app answered with a bidirectional stream, so audio it sends is played to the caller.</summary>
    internal bool AcceptsAppAudio => _answer?.Media?.EnableBidirectional == true;

    /// <summary>True once the app stopped media streaming; the caller does not hang up for the silence that follows.</summary>
    internal bool MediaStoppedByApp => _mediaStopped;

    /// <summary>The caller hangs up (CallDisconnected 200/5001).</summary>
    internal void CallerHangsUp() => _ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001));

    /// <summary>The media WebSocket could not be connected: MediaStreamingFailed, as ACS reports it.</summary>
    internal void OnMediaConnectFailed(string error)
    {
        lock (_gate)
        {
            _mediaConnectError = error;
            _subscriptionState = "inactive";
            if (!_ended.Task.IsCompleted)
            {
                Post("MediaStreamingFailed", _answer!.CallbackUri, null, (500, 0, "Initial WebSocket connection failed."),
                    AcsEventJson.MediaStreamingUpdate("mediaStreamingFailed", "initialWebSocketConnectionFailed"));
            }
        }

        Note("media connect failed: " + error);
    }

    /// <summary>The media WebSocket connected: MediaStreamingStarted.</summary>
    internal void OnMediaConnected()
    {
        lock (_gate)
        {
            _mediaConnected = true;
            _mediaStartedAfter = _time.GetElapsedTime(_placedAt);
            _subscriptionState = "active";
            Post("MediaStreamingStarted", _answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStarted", "subscriptionStarted"));
        }

        Note("media connected");
    }

    /// <summary>The caller's side of the stream stopped, <paramref name="endedAt"/> after it connected.</summary>
    internal void OnMediaEnded(TimeSpan endedAt)
    {
        lock (_gate)
        {
            _endedAt = endedAt;
        }
    }

    /// <summary>The caller finished speaking, <paramref name="at"/> after media connected.</summary>
    internal void OnCallerAudioEnded(TimeSpan at)
    {
        lock (_gate)
        {
            _callerAudioEndedAt = at;
        }

        Note("caller audio done");
    }

    /// <summary>One DtmfData key went out.</summary>
    internal void OnToneSent(char key)
    {
        lock (_gate)
        {
            _tonesSent.Add(key);
        }

        Note("key pressed: " + key);
    }

    /// <summary>One AudioData frame went out.</summary>
    internal void OnAudioFrameSent() => Interlocked.Increment(ref _framesSent);

    /// <summary>Records a message the app sent on the media socket (when the request keeps the media record).</summary>
    internal void RecordOutbound(OutboundMediaMessage message)
    {
        _request.OnOutboundMessage?.Invoke(message);
        if (!_request.KeepMediaRecord)
        {
            return;
        }

        lock (_gate)
        {
            _outbound.Add(message);
        }
    }

    /// <summary>Records a breach of the media protocol by the app.</summary>
    internal void AddProtocolError(string error)
    {
        lock (_gate)
        {
            _protocolErrors.Add(error);
        }

        AcsSimulatorLog.MediaProtocolError(_simulator.Logger, CallConnectionId ?? "(none)", error);
    }

    private void Post(string eventName, Uri callbackUri, string? operationContext, (int, int, string)? result, Action<Utf8JsonWriter>? extraData = null)
    {
        var body = AcsEventJson.CallbackArray(eventName, new CallIds(CallConnectionId!, ServerCallId, CorrelationId), _time.GetUtcNow(), operationContext, result, extraData);
        _callbacks.Enqueue("Microsoft.Communication." + eventName, body, callbackUri);
    }

    /// <summary>Adds a live progress note.</summary>
    internal void Note(string note) => _progress.Writer.TryWrite(new SimulatedCallProgress(_time.GetElapsedTime(_placedAt), note));

    private string PropertiesJsonLocked() => AcsEventJson.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("callConnectionId", CallConnectionId);
        writer.WriteString("serverCallId", ServerCallId);
        writer.WriteStartArray("targets");
        AcsEventJson.WriteIdentifier(writer, _request.To);
        writer.WriteEndArray();
        writer.WriteString("callConnectionState", _state);
        writer.WriteString("callbackUri", _answer?.CallbackUri.OriginalString);
        writer.WritePropertyName("source");
        AcsEventJson.WriteIdentifier(writer, _request.From);
        writer.WriteString("correlationId", CorrelationId);
        writer.WriteStartObject("mediaStreamingSubscription");
        writer.WriteString("id", MediaSubscriptionId);
        writer.WriteString("state", _subscriptionState);
        writer.WriteStartArray("subscribedContentTypes");
        writer.WriteStringValue("audio");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private SimulatedCallResult BuildResult(SimulatedCallOutcome outcome, int? subCode)
    {
        lock (_gate)
        {
            var format = _answer?.Media?.Format ?? AudioFormat.Pcm16k;
            return new SimulatedCallResult
            {
                Outcome = outcome,
                CallConnectionId = CallConnectionId,
                AnswerCount = _answerCount,
                AnswerAttempts = _answerAttempts,
                IncomingCallDeliveries = _incoming.Statuses,
                HeardAudio = _playout?.HeardAudio() ?? [],
                HeardFormat = format,
                Segments = _playout?.Segments() ?? [],
                PlayoutGaps = _playout?.Gaps() ?? [],
                StopAudios = _playout?.Stops.ToArray() ?? [],
                OutboundMessages = _outbound.ToArray(),
                ProtocolErrors = _protocolErrors.ToArray(),
                Callbacks = _callbacks.Delivered,
                PlayRequests = _plays.ToArray(),
                TransferTarget = _transferTarget,
                MediaConnected = _mediaConnected,
                MediaConnectError = _mediaConnectError,
                AudioFramesSent = _framesSent,
                TonesSent = _tonesSent.ToArray(),
                AnsweredAfter = _answeredAfter,
                MediaStartedAfter = _mediaStartedAfter,
                CallerAudioEndedAt = _callerAudioEndedAt,
                EndedAt = _endedAt,
                Duration = _time.GetElapsedTime(_placedAt),
                DisconnectSubCode = subCode is not null && _answerCount > 0 ? subCode : null,
            };
        }
    }
}
