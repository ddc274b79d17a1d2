using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using DvServerless.Adapters.Acs.Media;
using DvServerless.Core.Audio;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The ACS bidirectional media-streaming leg: a WebSocket that ACS opened (ACS PROTOCOL.md §5), read and written with
/// <see cref="AcsMediaStreamCodec"/>.
/// </summary>
/// <remarks>
/// <para>
/// One task reads, one task writes: the socket never sees two writers. The writer serves two lanes — control (StopAudio,
/// close) before audio, always — so a StopAudio jumps ahead of queued audio; audio queued before a StopAudio is dropped
/// by generation rather than sent (flush).
/// </para>
/// <para>
/// Inbound frames are text JSON. A binary frame (1003), a frame that is not JSON or carries invalid base64 (1007), a frame
/// over <see cref="MaxFrameBytes"/> (1009) or an unusable audio format (1003) closes the socket with that status and a
/// logged reason; unknown kinds are ignored.
/// </para>
/// </remarks>
public sealed partial class AcsMediaLeg : ICallLeg
{
    /// <summary>The largest inbound frame accepted (a 20 ms frame is about 1.5 KiB of JSON).</summary>
    public const int MaxFrameBytes = 256 * 1024;

    // Caller audio waiting for the engine: 1 s at 50 frames/s. When the engine stalls the oldest audio goes, so the
    // socket is always read (ACS must never see back-pressure) and memory stays bounded.
    private const int InboundCapacity = 50;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly AudioFormat _defaultFormat;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly Channel<PooledAudio> _inbound;
    private readonly Channel<OutboundAudio> _audio = Channel.CreateUnbounded<OutboundAudio>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ControlCommand> _control = Channel.CreateUnbounded<ControlCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<byte> _doorbell = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource<AudioFormat?> _format = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private long _stopGeneration;
    private int _started;
    private int _closeRequested;
    private int _disposed;

    /// <summary>
    /// Wraps an accepted ACS media socket. <paramref name="defaultFormat"/> applies when the first frame is audio rather
    /// than <c>AudioMetadata</c>.
    /// </summary>
    public AcsMediaLeg(WebSocket socket, AudioFormat defaultFormat, string callId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(logger);
        _socket = socket;
        _defaultFormat = defaultFormat;
        _callId = callId;
        _logger = logger;
        _inbound = Channel.CreateBounded<PooledAudio>(
            new BoundedChannelOptions(InboundCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            static dropped => dropped.Dispose());
    }

    /// <summary>Why the worker closed the socket, when it closed it for bad input.</summary>
    public WebSocketCloseStatus? ProtocolCloseStatus { get; private set; }

    /// <inheritdoc />
    public ChannelReader<PooledAudio> Inbound => _inbound.Reader;

    /// <inheritdoc />
    public async ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }

        return await _format.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var copy = PooledAudio.CopyOf(audio.Span);
        if (!_audio.Writer.TryWrite(new OutboundAudio(copy, Volatile.Read(ref _stopGeneration))))
        {
            copy.Dispose(); // Closed: nobody will play it.
            return ValueTask.CompletedTask;
        }

        _doorbell.Writer.TryWrite(0);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask StopAudioAsync(CancellationToken cancellationToken)
    {
        // Bump the generation first: every audio frame queued before this point is now stale and will be dropped.
        Interlocked.Increment(ref _stopGeneration);
        if (_control.Writer.TryWrite(ControlCommand.StopAudio))
        {
            _doorbell.Writer.TryWrite(0);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        RequestClose(WebSocketCloseStatus.NormalClosure, "call ended");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RequestClose(WebSocketCloseStatus.NormalClosure, "call ended");
        _format.TrySetResult(null);

        // Give the close handshake a moment (our close frame out, the peer's back in), then cut the socket.
        try
        {
            await Task.WhenAll(_sending, _receiving).WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _socket.Abort();
        }

        await Task.WhenAll(_sending, _receiving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _abort.Dispose();
        _audio.Writer.TryComplete();
        while (_audio.Reader.TryRead(out var queued))
        {
            queued.Audio.Dispose();
        }

        while (_inbound.Reader.TryRead(out var unread))
        {
            unread.Dispose();
        }
    }

    private void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        // Caller audio after a close decision is of no use; completing now also frees the loop's reader at once.
        _inbound.Writer.TryComplete();
        _audio.Writer.TryComplete();
        _control.Writer.TryWrite(new ControlCommand(status, reason));
        _doorbell.Writer.TryWrite(0);
        _format.TrySetResult(null);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Never started: only the writer is needed, to send the close frame.
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }
    }

    private void CloseForBadInput(WebSocketCloseStatus status, string reason)
    {
        ProtocolCloseStatus = status;
        LogBadInput(_callId, (int)status, reason);
        RequestClose(status, reason);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var formatKnown = false;
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        LogPeerClosed(_callId, (int?)_socket.CloseStatus ?? 0);
                        return;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage && length <= MaxFrameBytes);

                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    continue; // Closing: read on until the peer's close frame, but act on nothing.
                }

                if (length > MaxFrameBytes)
                {
                    CloseForBadInput(WebSocketCloseStatus.MessageTooBig, $"frame larger than {MaxFrameBytes} bytes");
                    await DiscardMessageAsync(buffer, result).ConfigureAwait(false);
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    CloseForBadInput(WebSocketCloseStatus.InvalidMessageType, "binary frames are not supported; ACS sends text JSON");
                    continue;
                }

                if (!HandleFrame(buffer.AsSpan(0, length), ref formatKnown))
                {
                    continue;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            LogSocketFailed(_callId, ex.WebSocketErrorCode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _inbound.Writer.TryComplete();
            _format.TrySetResult(formatKnown ? _defaultFormat : null);
        }
    }

    private async ValueTask DiscardMessageAsync(byte[] buffer, ValueWebSocketReceiveResult result)
    {
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
        {
            result = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one text frame; false when it closed the leg.</summary>
    private bool HandleFrame(ReadOnlySpan<byte> frame, ref bool formatKnown)
    {
        var trimmed = frame.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidPayloadData, "frame is not a JSON object");
            return false;
        }

        AcsInboundMessage message;
        try
        {
            message = AcsMediaStreamCodec.Parse(trimmed);
        }
        catch (AcsMediaFormatException ex)
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidPayloadData, ex.Message);
            return false;
        }

        switch (message.Kind)
        {
            case AcsInboundKind.AudioMetadata when message.AudioMetadata is { } metadata:
                message.Dispose();
                if (formatKnown)
                {
                    return true; // The format is fixed for the stream; a repeated AudioMetadata changes nothing.
                }

                if (!string.Equals(metadata.Encoding, "PCM", StringComparison.OrdinalIgnoreCase) || metadata.Channels is not (1 or 0)
                    || metadata.SampleRate is not (16_000 or 24_000))
                {
                    CloseForBadInput(WebSocketCloseStatus.InvalidMessageType, $"unsupported audio format {metadata.Encoding} {metadata.SampleRate} Hz x{metadata.Channels}");
                    return false;
                }

                formatKnown = true;
                _format.TrySetResult(new AudioFormat(metadata.SampleRate));
                return true;
            case AcsInboundKind.AudioData:
                if (!formatKnown)
                {
                    formatKnown = true;
                    _format.TrySetResult(_defaultFormat);
                }

                if (message.Audio.Length == 0)
                {
                    message.Dispose();
                    return true;
                }

                // The channel owns the buffer from here (it disposes what it drops); on failure it is ours to return.
                if (!_inbound.Writer.TryWrite(message.Audio))
                {
                    message.Dispose();
                }

                return true;
            default:
                message.Dispose();
                return true; // DtmfData, transcription and unknown kinds need nothing from the media path.
        }
    }

    private async Task SendLoopAsync()
    {
        var json = new ArrayBufferWriter<byte>(4096);
        var token = _abort.Token;
        try
        {
            // No token on the wait: a cancellable wait allocates per call in System.Threading.Channels; the doorbell
            // is rung (or completed) by everything that needs the writer to wake.
            while (await _doorbell.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _doorbell.Reader.TryRead(out _);
                while (true)
                {
                    if (_control.Reader.TryRead(out var command))
                    {
                        if (command.IsStopAudio)
                        {
                            await _socket.SendAsync(AcsMediaStreamCodec.StopAudio, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
                            continue;
                        }

                        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        {
                            await _socket.CloseOutputAsync(command.Status, command.Reason, token).ConfigureAwait(false);
                        }

                        return;
                    }

                    if (!_audio.Reader.TryRead(out var frame))
                    {
                        break;
                    }

                    using (frame.Audio)
                    {
                        if (frame.Generation != Volatile.Read(ref _stopGeneration))
                        {
                            continue; // Queued before a StopAudio: flushed, never played.
                        }

                        json.ResetWrittenCount();
                        AcsMediaStreamCodec.WriteAudioData(frame.Audio.Span, json);
                        await _socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            LogSocketFailed(_callId, ex.WebSocketErrorCode);
        }
        finally
        {
            _audio.Writer.TryComplete();
            _control.Writer.TryComplete();
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Call {CallId}: closing the media socket with {Status}: {Reason}")]
    private partial void LogBadInput(string callId, int status, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Call {CallId}: the media socket was closed by the peer ({Status})")]
    private partial void LogPeerClosed(string callId, int status);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Call {CallId}: the media socket failed ({Error})")]
    private partial void LogSocketFailed(string callId, WebSocketError error);

    private readonly record struct OutboundAudio(PooledAudio Audio, long Generation);

    private readonly record struct ControlCommand(WebSocketCloseStatus Status, string Reason, bool IsStopAudio = false)
    {
        public static ControlCommand StopAudio => new(default, string.Empty, IsStopAudio: true);
    }
}
