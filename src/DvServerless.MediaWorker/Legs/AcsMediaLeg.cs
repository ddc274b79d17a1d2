using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using DvServerless.Adapters.Acs.Media;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Text;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The ACS bidirectional media-streaming leg: a WebSocket that ACS opened (ACS PROTOCOL.md §5), read and written with
/// <see cref="AcsMediaStreamCodec"/>.
/// </summary>
/// <remarks>
/// <para>
/// The socket, its lanes and closing are the <see cref="WebSocketLegTransport"/>'s; this class is the ACS protocol on
/// top. A StopAudio travels in the control lane, so it jumps ahead of queued audio; audio queued before it is flushed.
/// </para>
/// <para>
/// Inbound frames are text JSON. A binary frame (1003), a frame that is not JSON or carries invalid base64 (1007), a frame
/// over <see cref="MaxFrameBytes"/> (1009) or an unusable audio format (1003) closes the socket with that status and a
/// logged reason; unknown kinds are ignored.
/// </para>
/// </remarks>
public sealed partial class AcsMediaLeg : ICallLeg, IWebSocketLegProtocol
{
    /// <summary>The largest inbound frame accepted (a 20 ms frame is about 1.5 KiB of JSON).</summary>
    public const int MaxFrameBytes = 256 * 1024;

    private const string CallEnded = "call ended";

    private readonly WebSocketLegTransport _transport;
    private readonly AudioFormat _defaultFormat;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<AudioFormat?> _format = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ArrayBufferWriter<byte> _json = new(4096); // The sender's: one outbound AudioData at a time.
    private readonly Utf8StringCache _participants = new(); // The receive loop's: the caller's id on every frame.

    // Keys are rare and tiny; a caller mashing the keypad faster than the loop reads only loses the oldest.
    private readonly Channel<char> _keypresses = Channel.CreateBounded<char>(new BoundedChannelOptions(64)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });
    private bool _formatKnown; // The receive loop's.

    /// <summary>
    /// Wraps an accepted ACS media socket. <paramref name="defaultFormat"/> applies when the first frame is audio rather
    /// than <c>AudioMetadata</c>.
    /// </summary>
    public AcsMediaLeg(WebSocket socket, AudioFormat defaultFormat, string callId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(logger);
        _defaultFormat = defaultFormat;
        _callId = callId;
        _logger = logger;
        _transport = new WebSocketLegTransport(socket, this, initialBufferBytes: 16 * 1024, maxBufferBytes: MaxFrameBytes + 1);
    }

    /// <summary>Why the worker closed the socket, when it closed it for bad input.</summary>
    public WebSocketCloseStatus? ProtocolCloseStatus { get; private set; }

    /// <inheritdoc />
    public ChannelReader<PooledAudio> Inbound => _transport.Inbound;

    /// <inheritdoc />
    public ChannelReader<char>? Keypresses => _keypresses.Reader;

    /// <inheritdoc />
    WebSocketMessageType IWebSocketLegProtocol.AudioMessageType => WebSocketMessageType.Text;

    /// <inheritdoc />
    public async ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken)
    {
        _transport.Start();
        return await _format.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        _transport.QueueAudio(audio);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask StopAudioAsync(CancellationToken cancellationToken)
    {
        // Flush first: every audio frame queued before this point is now stale and will be dropped.
        _transport.FlushAudio();
        _transport.TrySendControl(AcsMediaStreamCodec.StopAudio);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        _transport.RequestClose(WebSocketCloseStatus.NormalClosure, CallEnded);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _format.TrySetResult(null);
        _keypresses.Writer.TryComplete();
        await _transport.DisposeAsync(WebSocketCloseStatus.NormalClosure, CallEnded).ConfigureAwait(false);
    }

    /// <inheritdoc />
    int IWebSocketLegProtocol.MaxMessageBytes(WebSocketMessageType type) => MaxFrameBytes;

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> message)
    {
        if (type != WebSocketMessageType.Text)
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidMessageType, "binary frames are not supported; ACS sends text JSON");
            return;
        }

        HandleFrame(message);
    }

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnMessageTooBig(WebSocketMessageType type, int limit) =>
        CloseForBadInput(WebSocketCloseStatus.MessageTooBig, $"frame larger than {MaxFrameBytes} bytes");

    /// <inheritdoc />
    ReadOnlyMemory<byte> IWebSocketLegProtocol.EncodeAudio(ReadOnlyMemory<byte> pcm)
    {
        _json.ResetWrittenCount();
        AcsMediaStreamCodec.WriteAudioData(pcm.Span, _json);
        return _json.WrittenMemory;
    }

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnCloseRequested() => _format.TrySetResult(null);

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnReceiveEnded() => _format.TrySetResult(_formatKnown ? _defaultFormat : null);

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnPeerClosed(int status) => LogPeerClosed(_callId, status);

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnSocketFailed(WebSocketError error) => LogSocketFailed(_callId, error);

    private void CloseForBadInput(WebSocketCloseStatus status, string reason)
    {
        ProtocolCloseStatus = status;
        LogBadInput(_callId, (int)status, reason);
        _transport.RequestClose(status, reason);
    }

    /// <summary>Handles one text frame.</summary>
    private void HandleFrame(ReadOnlySpan<byte> frame)
    {
        var trimmed = frame.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidPayloadData, "frame is not a JSON object");
            return;
        }

        AcsInboundMessage message;
        try
        {
            message = AcsMediaStreamCodec.Parse(trimmed, _participants);
        }
        catch (AcsMediaFormatException ex)
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidPayloadData, ex.Message);
            return;
        }

        switch (message.Kind)
        {
            case AcsInboundKind.AudioMetadata when message.AudioMetadata is { } metadata:
                message.Dispose();
                if (_formatKnown)
                {
                    return; // The format is fixed for the stream; a repeated AudioMetadata changes nothing.
                }

                if (!string.Equals(metadata.Encoding, "PCM", StringComparison.OrdinalIgnoreCase) || metadata.Channels is not (1 or 0)
                    || metadata.SampleRate is not (16_000 or 24_000))
                {
                    CloseForBadInput(WebSocketCloseStatus.InvalidMessageType, $"unsupported audio format {metadata.Encoding} {metadata.SampleRate} Hz x{metadata.Channels}");
                    return;
                }

                _formatKnown = true;
                _format.TrySetResult(new AudioFormat(metadata.SampleRate));
                return;
            case AcsInboundKind.AudioData:
                if (!_formatKnown)
                {
                    _formatKnown = true;
                    _format.TrySetResult(_defaultFormat);
                }

                if (message.Audio.Length == 0)
                {
                    message.Dispose();
                    return;
                }

                // The channel owns the buffer from here (it disposes what it drops); on failure it is ours to return.
                if (!_transport.TryWriteInbound(message.Audio))
                {
                    message.Dispose();
                }

                return;
            case AcsInboundKind.DtmfData:
                var tone = message.DtmfTone;
                message.Dispose();
                if (DtmfKey.TryParse(tone, out var key))
                {
                    _keypresses.Writer.TryWrite(key);
                }
                else
                {
                    LogUnknownTone(_callId, tone?.Length ?? 0);
                }

                return;
            default:
                message.Dispose();
                return; // Transcription and unknown kinds need nothing from the media path.
        }
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Call {CallId}: ignored a DtmfData tone that is not a keypad key ({Length} characters)")]
    private partial void LogUnknownTone(string callId, int length);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Call {CallId}: closing the media socket with {Status}: {Reason}")]
    private partial void LogBadInput(string callId, int status, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Call {CallId}: the media socket was closed by the peer ({Status})")]
    private partial void LogPeerClosed(string callId, int status);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Call {CallId}: the media socket failed ({Error})")]
    private partial void LogSocketFailed(string callId, WebSocketError error);
}
