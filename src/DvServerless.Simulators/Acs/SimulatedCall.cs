using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
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
public sealed class SimulatedCall : IDisposable
{
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly AcsSimulator _simulator;
    private readonly SimulatedCallRequest _request;
    private readonly TimeProvider _time;
    private readonly long _placedAt;
    private readonly object _gate = new();
    private readonly Channel<SimulatedCallProgress> _progress = Channel.CreateUnbounded<SimulatedCallProgress>();
    private readonly Channel<(string Type, string Body, Uri Uri)> _callbacks =
        Channel.CreateUnbounded<(string, string, Uri)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(TimeSpan ArrivedAt, byte[]? Audio)> _inbound =
        Channel.CreateUnbounded<(TimeSpan, byte[]?)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<CallbackDelivery> _deliveredCallbacks = [];
    private readonly List<string> _protocolErrors = [];
    private readonly List<string> _plays = [];
    private readonly List<OutboundMediaMessage> _outbound = [];
    private readonly List<int?> _incomingDeliveries = [];
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
    private long _mediaStartTimestamp;
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
        var callbackSender = SendCallbacksAsync();
        try
        {
            using var registration = cancellationToken.Register(() => _ended.TrySetResult((SimulatedCallOutcome.Aborted, null)));
            // The call rings from the first delivery on; redeliveries go on in the background while it does.
            var delivering = DeliverIncomingCallAsync(cancellationToken);
            var timeout = Task.Delay(_request.AnswerTimeout, _time, CancellationToken.None);
            await Task.WhenAny(_answered.Task, _ended.Task, timeout).ConfigureAwait(false);
            lock (_gate)
            {
                if (!_answered.Task.IsCompleted && !_ended.Task.IsCompleted)
                {
                    var failed = _incomingDeliveries.All(status => status is null or < 200 or > 299);
                    _ended.TrySetResult((failed ? SimulatedCallOutcome.DeliveryFailed : SimulatedCallOutcome.NotAnswered, null));
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
            _callbacks.Writer.TryComplete();
            // The call's token may have fired already (simulator stopping): the last callbacks still get their 15 s.
            await Task.WhenAny(callbackSender, Task.Delay(TimeSpan.FromSeconds(15), _time, CancellationToken.None)).ConfigureAwait(false);
            AcsSimulatorLog.CallEnded(_simulator.Logger, connectionId ?? "(unanswered)", outcome);
            _completion.TrySetResult(BuildResult(outcome, subCode));
        }
        catch (Exception exception)
        {
            AcsSimulatorLog.CallCrashed(_simulator.Logger, exception);
            _callbacks.Writer.TryComplete();
            _completion.TrySetResult(BuildResult(SimulatedCallOutcome.Aborted, null) with { ProtocolErrors = [.. _protocolErrors, "simulator error: " + exception.Message] });
        }
        finally
        {
            _progress.Writer.TryComplete();
        }
    }

    internal (int Status, string? Body, string? ErrorCode) Answer(AnswerSettings settings)
    {
        lock (_gate)
        {
            _answerAttempts++;
            if (_ended.Task.IsCompleted)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call has already ended."), "BadRequest");
            }

            if (_answerCount > 0 || _refused)
            {
                Note("answer refused: already " + (_refused ? "rejected or redirected" : "answered"));
                return (400, AcsEventJson.Error("BadRequest", "Call already answered, rejected or redirected."), "BadRequest");
            }

            _answerCount++;
            _answer = settings;
            CallConnectionId = Guid.NewGuid().ToString();
            _state = "connecting";
            _subscriptionState = settings.Media is null ? "disabled" : "inactive";
            _answeredAfter = _time.GetElapsedTime(_placedAt);
            _simulator.RegisterConnection(CallConnectionId, this);
            _answered.TrySetResult();
            _ = ConnectAsync(settings);
            return (200, PropertiesJsonLocked(), null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) Refuse(bool redirect, string? target)
    {
        lock (_gate)
        {
            if (_answerCount > 0 || _refused || _ended.Task.IsCompleted)
            {
                return (400, AcsEventJson.Error("BadRequest", "Call already answered, rejected or redirected."), "BadRequest");
            }

            _refused = true;
            _transferTarget = target;
            Note(redirect ? "redirected to " + target : "rejected");
            _ended.TrySetResult((redirect ? SimulatedCallOutcome.Redirected : SimulatedCallOutcome.Rejected, null));
            return (204, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) GetProperties()
    {
        lock (_gate)
        {
            return _ended.Task.IsCompleted
                ? (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound")
                : (200, PropertiesJsonLocked(), null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) HangUpByApp()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _state = "disconnecting";
            _ended.TrySetResult((SimulatedCallOutcome.AppHungUp, 7000));
            return (204, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) Play(string body, string? operationContext)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _plays.Add(body);
            Note("play requested");
        }

        _ = CompletePlayAsync(operationContext);
        return (202, null, null);
    }

    internal (int Status, string? Body, string? ErrorCode) Transfer(string target, string? operationContext)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            _transferTarget = target;
            _state = "transferring";
            Note("transfer to " + target);
        }

        _ = CompleteTransferAsync(target, operationContext);
        return (202, AcsEventJson.Write(writer =>
        {
            writer.WriteStartObject();
            if (operationContext is not null)
            {
                writer.WriteString("operationContext", operationContext);
            }

            writer.WriteEndObject();
        }), null);
    }

    internal (int Status, string? Body, string? ErrorCode) StartMediaStreaming()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            if (_answer?.Media is null)
            {
                return (400, AcsEventJson.Error("BadRequest", "The call was answered without mediaStreamingOptions."), "BadRequest");
            }

            if (_mediaTask is not null || _mediaStopped)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming has already been started."), "BadRequest");
            }

            if (_state == "connected")
            {
                StartMediaLocked(_answer.Media);
            }
            else
            {
                // Started before CallConnected: ConnectAsync starts it once connected.
                _answer = _answer with { Media = _answer.Media with { StartMediaStreaming = true } };
            }

            return (202, null, null);
        }
    }

    internal (int Status, string? Body, string? ErrorCode) StopMediaStreaming()
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return (404, AcsEventJson.Error("NotFound", "The call connection has ended."), "NotFound");
            }

            if (_mediaTask is null || _mediaStopped)
            {
                return (400, AcsEventJson.Error("BadRequest", "Media streaming is not active."), "BadRequest");
            }

            _mediaStopped = true;
            _subscriptionState = "inactive";
            Post("MediaStreamingStopped", _answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStopped", "subscriptionStopped"));
        }

        _mediaStop.Cancel();
        Note("media streaming stopped by app");
        return (202, null, null);
    }

    internal (int Status, string? Body, string? ErrorCode) CancelAllMediaOperations()
    {
        Note("cancel all media operations");
        return (202, null, null);
    }

    private async Task DeliverIncomingCallAsync(CancellationToken cancellationToken)
    {
        var body = AcsEventJson.IncomingCall(_request.EventSchema, _simulator.Topic, _request, IncomingCallContext, ServerCallId, CorrelationId, _time.GetUtcNow());
        var copies = Enumerable.Range(0, Math.Max(1, _request.Deliveries)).Select(copy => DeliverCopyAsync(body, copy, cancellationToken)).ToArray();
        await Task.WhenAll(copies).ConfigureAwait(false);
    }

    /// <summary>One delivery of the IncomingCall and, as Event Grid does, its redeliveries while the app does not acknowledge it.</summary>
    private async Task DeliverCopyAsync(string body, int copy, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = await SendIncomingCallAsync(body, copy + attempt, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _incomingDeliveries.Add(status);
            }

            Note("incoming call delivered (" + (status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "failed") + ")");
            if (status is >= 200 and <= 299 or 400 or 401 or 403 or 413 || attempt >= _request.RedeliveryDelays.Count)
            {
                return;
            }

            await Task.WhenAny(Task.Delay(_request.RedeliveryDelays[attempt], _time, cancellationToken), _ended.Task).ConfigureAwait(false);
            if (_ended.Task.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<int?> SendIncomingCallAsync(string body, int deliveryCount, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _request.IncomingCallUrl);
        var mediaType = _request.EventSchema == IncomingCallEventSchema.EventGrid ? "application/json" : "application/cloudevents+json";
        message.Content = new StringContent(body, Encoding.UTF8, mediaType);
        message.Headers.TryAddWithoutValidation("aeg-event-type", "Notification");
        message.Headers.TryAddWithoutValidation("aeg-subscription-name", "DVS-INCOMING-CALL");
        message.Headers.TryAddWithoutValidation("aeg-delivery-count", deliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation("aeg-data-version", "1.0");
        message.Headers.TryAddWithoutValidation("aeg-metadata-version", "1");
        try
        {
            using var response = await _simulator.Http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Note("incoming call delivery failed: " + exception.Message);
            return null;
        }
    }

    private async Task ConnectAsync(AnswerSettings settings)
    {
        await Task.Delay(_simulator.Options.CallConnectedDelay, _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return;
            }

            _state = "connected";
            Note("answered");
            Post("CallConnected", settings.CallbackUri, settings.OperationContext, (200, 0, string.Empty));
            if (_answer?.Media is { StartMediaStreaming: true } media && _mediaTask is null)
            {
                StartMediaLocked(media);
            }
        }
    }

    private async Task EndAfterMaxDurationAsync()
    {
        await Task.WhenAny(_ended.Task, Task.Delay(_request.MaxDuration, _time)).ConfigureAwait(false);
        if (_ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001)))
        {
            Note("maximum duration reached");
        }
    }

    private async Task CompletePlayAsync(string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200), _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_ended.Task.IsCompleted && _answer is not null)
            {
                Post("PlayCompleted", _answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."));
            }
        }
    }

    private async Task CompleteTransferAsync(string target, string? operationContext)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), _time).ConfigureAwait(false);
        lock (_gate)
        {
            if (_ended.Task.IsCompleted || _answer is null)
            {
                return;
            }

            Post("CallTransferAccepted", _answer.CallbackUri, operationContext, (200, 0, "Action completed successfully."), writer =>
            {
                writer.WritePropertyName("transferTarget");
                AcsEventJson.WriteIdentifier(writer, target);
            });
            _ended.TrySetResult((SimulatedCallOutcome.Transferred, 7000));
        }
    }

    private void StartMediaLocked(MediaStreamingSettings media)
    {
        _playout = new AcsPlayoutQueue(media.Format, _request.KeepMediaRecord);
        _mediaTask = Task.Run(() => RunMediaAsync(media, _mediaStop.Token));
    }

    private async Task RunMediaAsync(MediaStreamingSettings media, CancellationToken cancellationToken)
    {
        var speech = CallerSpeech.Convert(_callerPcm, _callerFormat, media.Format);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + _simulator.Tokens.CreateMediaToken());
        socket.Options.SetRequestHeader("x-ms-call-connection-id", CallConnectionId);
        socket.Options.SetRequestHeader("x-ms-call-correlation-id", CorrelationId);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(media.TransportUrl, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            lock (_gate)
            {
                _mediaConnectError = exception.Message;
                _subscriptionState = "inactive";
                if (!_ended.Task.IsCompleted)
                {
                    Post("MediaStreamingFailed", _answer!.CallbackUri, null, (500, 0, "Initial WebSocket connection failed."),
                        AcsEventJson.MediaStreamingUpdate("mediaStreamingFailed", "initialWebSocketConnectionFailed"));
                }
            }

            Note("media connect failed: " + exception.Message);
            return;
        }

        lock (_gate)
        {
            _mediaConnected = true;
            _mediaStartTimestamp = _time.GetTimestamp();
            _mediaStartedAfter = _time.GetElapsedTime(_placedAt);
            _subscriptionState = "active";
            Post("MediaStreamingStarted", _answer!.CallbackUri, null, (200, 0, "Action completed successfully."),
                AcsEventJson.MediaStreamingUpdate("mediaStreamingStarted", "subscriptionStarted"));
        }

        Note("media connected");
        var receiving = ReceiveAsync(socket);
        try
        {
            await SendAudioAsync(socket, media, speech, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _playout!.Finish();
        lock (_gate)
        {
            _endedAt = _time.GetElapsedTime(_mediaStartTimestamp);
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", closeTimeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
        }

        // Not cancelled with the call: the socket gets its 2 s to close before it is aborted.
        if (await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), _time, CancellationToken.None)).ConfigureAwait(false) != receiving)
        {
            socket.Abort();
            await receiving.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends AudioMetadata, then one 20 ms AudioData frame per tick, scheduled against the start timestamp so that
    /// delays never accumulate; each tick also plays 20 ms of queued agent audio and checks whether the caller hangs up.
    /// </summary>
    private async Task SendAudioAsync(ClientWebSocket socket, MediaStreamingSettings media, ReadOnlyMemory<byte> speech, CancellationToken cancellationToken)
    {
        var frameBytes = media.Format.FrameBytes(20);
        var buffer = new ArrayBufferWriter<byte>(frameBytes * 2 + 256);
        var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("kind", "AudioMetadata");
        writer.WriteStartObject("audioMetadata");
        writer.WriteString("subscriptionId", MediaSubscriptionId);
        writer.WriteString("encoding", "PCM");
        writer.WriteNumber("sampleRate", media.Format.SampleRate);
        writer.WriteNumber("channels", 1);
        writer.WriteNumber("length", frameBytes);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        var socketOpen = await TrySendAsync(socket, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);

        var silence = new byte[frameBytes];
        var frame = new byte[frameBytes];
        var playout = _playout!;
        var callerDone = speech.Length == 0;
        if (callerDone)
        {
            SetCallerAudioEnded(TimeSpan.Zero);
        }

        for (long tick = 0; ; tick++)
        {
            var due = FrameDuration * tick;
            var wait = due - _time.GetElapsedTime(_mediaStartTimestamp);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            while (_inbound.Reader.TryRead(out var item))
            {
                if (item.Audio is null)
                {
                    playout.Stop(item.ArrivedAt);
                }
                else
                {
                    playout.Enqueue(item.Audio);
                }
            }

            var offset = tick * frameBytes;
            var speaking = offset < speech.Length;
            if (socketOpen)
            {
                ReadOnlySpan<byte> pcm = silence;
                if (speaking)
                {
                    var count = (int)Math.Min(frameBytes, speech.Length - offset);
                    speech.Span.Slice((int)offset, count).CopyTo(frame);
                    frame.AsSpan(count).Clear();
                    pcm = frame;
                }

                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                writer.WriteStartObject();
                writer.WriteString("kind", "AudioData");
                writer.WriteStartObject("audioData");
                writer.WriteString("timestamp", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteString("participantRawID", _request.From);
                writer.WriteBase64String("data", pcm);
                writer.WriteBoolean("silent", !speaking);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.Flush();
                socketOpen = await TrySendAsync(socket, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                if (socketOpen)
                {
                    Interlocked.Increment(ref _framesSent);
                }
            }

            playout.Play(due, FrameDuration);
            if (!callerDone && offset + frameBytes >= speech.Length)
            {
                callerDone = true;
                SetCallerAudioEnded(FrameDuration * (tick + 1));
            }

            if (callerDone && playout.IsEmpty)
            {
                var quietSince = _callerAudioEndedAt!.Value;
                if (playout.LastPlayedEnd is { } lastPlayed && lastPlayed > quietSince)
                {
                    quietSince = lastPlayed;
                }

                if (due + FrameDuration - quietSince >= _request.HangUpAfterAgentQuiet && !_mediaStopped)
                {
                    _ended.TrySetResult((SimulatedCallOutcome.CallerHungUp, 5001));
                    return;
                }
            }
        }
    }

    private void SetCallerAudioEnded(TimeSpan at)
    {
        lock (_gate)
        {
            _callerAudioEndedAt = at;
        }

        Note("caller audio done");
    }

    private async Task<bool> TrySendAsync(ClientWebSocket socket, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (socket.State != WebSocketState.Open)
        {
            return false;
        }

        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (WebSocketException)
        {
            Note("media socket send failed");
            return false;
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_ended.Task.IsCompleted)
                    {
                        Note($"media socket closed by app ({socket.CloseStatus} {socket.CloseStatusDescription})");
                    }

                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by app", CancellationToken.None).ConfigureAwait(false);
                    }

                    return;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    AddProtocolError($"A media message exceeded {MaxMessageBytes} bytes.");
                    message.ResetWrittenCount();
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var arrivedAt = _time.GetElapsedTime(_mediaStartTimestamp);
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    AddProtocolError("A binary media message was received; ACS expects JSON text messages.");
                    RecordOutbound(new OutboundMediaMessage(arrivedAt, OutboundMediaKind.Invalid, OutboundMediaSpelling.Invalid, 0, message.WrittenCount));
                }
                else
                {
                    var parsed = AcsOutboundMessageParser.Parse(message.WrittenSpan);
                    RecordOutbound(new OutboundMediaMessage(arrivedAt, parsed.Kind, parsed.Spelling, parsed.Audio?.Length ?? 0, message.WrittenCount));
                    if (parsed.Error is { } error)
                    {
                        AddProtocolError(error);
                    }
                    else if (parsed.Kind == OutboundMediaKind.StopAudio)
                    {
                        Note("stop audio");
                        _inbound.Writer.TryWrite((arrivedAt, null));
                    }
                    else if (_answer?.Media?.EnableBidirectional == true)
                    {
                        _inbound.Writer.TryWrite((arrivedAt, parsed.Audio));
                    }
                    else
                    {
                        AddProtocolError("Audio was sent on a media stream that is not bidirectional.");
                    }
                }

                message.ResetWrittenCount();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void RecordOutbound(OutboundMediaMessage message)
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

    private void AddProtocolError(string error)
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
        _callbacks.Writer.TryWrite(("Microsoft.Communication." + eventName, body, callbackUri));
    }

    /// <summary>Posts callbacks one at a time, in order, each with a fresh 5-minute JWT.</summary>
    private async Task SendCallbacksAsync()
    {
        await foreach (var (type, body, uri) in _callbacks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            int? status = null;
            string? error = null;
            var sentAt = _time.GetUtcNow();
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _simulator.Tokens.CreateCallbackToken());
                using var response = await _simulator.Http.SendAsync(message).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                error = exception.Message;
                AcsSimulatorLog.CallbackFailed(_simulator.Logger, type, uri.GetLeftPart(UriPartial.Path), exception.Message);
            }

            lock (_gate)
            {
                _deliveredCallbacks.Add(new CallbackDelivery(type, uri, body, status, error, sentAt));
            }
        }
    }

    private void Note(string note) => _progress.Writer.TryWrite(new SimulatedCallProgress(_time.GetElapsedTime(_placedAt), note));

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
                IncomingCallDeliveries = _incomingDeliveries.ToArray(),
                HeardAudio = _playout?.HeardAudio() ?? [],
                HeardFormat = format,
                Segments = _playout?.Segments() ?? [],
                PlayoutGaps = _playout?.Gaps() ?? [],
                StopAudios = _playout?.Stops.ToArray() ?? [],
                OutboundMessages = _outbound.ToArray(),
                ProtocolErrors = _protocolErrors.ToArray(),
                Callbacks = _deliveredCallbacks.ToArray(),
                PlayRequests = _plays.ToArray(),
                TransferTarget = _transferTarget,
                MediaConnected = _mediaConnected,
                MediaConnectError = _mediaConnectError,
                AudioFramesSent = _framesSent,
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
