using System.Net.WebSockets;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The browser media leg: a WebSocket the console page (or any client of <c>/sdk/dvs-voice.js</c>) opened. Binary frames
/// carry PCM16LE mono 24 kHz both ways; text frames carry the page's commands in and the session's events out
/// (<see cref="BrowserMessageCodec"/>).
/// </summary>
/// <remarks>
/// <para>
/// The socket, its lanes and closing are the <see cref="WebSocketLegTransport"/>'s; this class is the browser protocol
/// on top. Events travel in the control lane, so an <c>INTERRUPT</c> reaches the page ahead of any queued audio; audio
/// queued before <see cref="StopAudioAsync"/> is dropped, never sent.
/// </para>
/// <para>
/// Bad input closes the socket with a logged reason and changes nothing else: a binary frame of odd length or over
/// <see cref="MaxAudioFrameBytes"/>, or a text frame over <see cref="BrowserMessageCodec.MaxFrameBytes"/>, with 1008
/// (policy violation); a text frame that is not a known command with 1007 (invalid payload).
/// </para>
/// </remarks>
public sealed partial class BrowserMediaLeg : ICallLeg, IWebSocketLegProtocol
{
    /// <summary>The largest binary (audio) frame accepted: about 1.3 s of audio; a page sends 20 ms (960 bytes).</summary>
    public const int MaxAudioFrameBytes = 64 * 1024;

    private const string SessionEnded = "session ended";

    private readonly WebSocketLegTransport _transport;
    private readonly string _sessionId;
    private readonly ILogger _logger;
    private readonly Channel<BrowserClientMessage> _commands = Channel.CreateBounded<BrowserClientMessage>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true });
    private volatile bool _audioEnabled = true;

    /// <summary>Wraps an accepted browser media socket for session <paramref name="sessionId"/>.</summary>
    public BrowserMediaLeg(WebSocket socket, string sessionId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(logger);
        _sessionId = sessionId;
        _logger = logger;
        _transport = new WebSocketLegTransport(socket, this, initialBufferBytes: 4096, maxBufferBytes: MaxAudioFrameBytes + 1);
    }

    /// <summary>The one audio format of the browser leg, both ways.</summary>
    public static AudioFormat Format => AudioFormat.Pcm24k;

    /// <summary>Why the worker closed the socket, when it closed it for bad input.</summary>
    public WebSocketCloseStatus? ProtocolCloseStatus { get; private set; }

    /// <summary>Whether caller audio reaches the engine (false: muted, frames are dropped).</summary>
    public bool AudioEnabled
    {
        get => _audioEnabled;
        set => _audioEnabled = value;
    }

    /// <inheritdoc />
    public ChannelReader<PooledAudio> Inbound => _transport.Inbound;

    /// <summary>The page's commands other than audio on/off (which the leg applies itself). Completes when the socket closes.</summary>
    public ChannelReader<BrowserClientMessage> Commands => _commands.Reader;

    /// <inheritdoc />
    WebSocketMessageType IWebSocketLegProtocol.AudioMessageType => WebSocketMessageType.Binary;

    /// <inheritdoc />
    /// <remarks>The format is fixed, so this returns at once.</remarks>
    public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken)
    {
        if (_transport.CloseRequested)
        {
            return ValueTask.FromResult<AudioFormat?>(null);
        }

        _transport.Start();
        return ValueTask.FromResult<AudioFormat?>(Format);
    }

    /// <summary>
    /// Queues one text event (a JSON object from <see cref="BrowserMessageCodec"/>) for the page, ahead of queued audio.
    /// The bytes are copied. False once the leg is closing.
    /// </summary>
    public bool TrySendEvent(ReadOnlySpan<byte> json) => _transport.TrySendControlCopy(json);

    /// <summary>
    /// Ends the caller's input (the session is being stopped) without closing the socket, so the call loop ends and
    /// the last events still reach the page before <see cref="CloseAsync"/> closes it.
    /// </summary>
    public void EndInput()
    {
        _transport.CompleteInbound();
        _commands.Writer.TryComplete();
    }

    /// <inheritdoc />
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        _transport.QueueAudio(audio);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Drops the audio not yet sent. Audio already sent sits in the page's playback buffer: the page flushes it on the
    /// <c>INTERRUPT</c> event, which the call loop's observer sends right after this with the truncation point.
    /// </remarks>
    public ValueTask StopAudioAsync(CancellationToken cancellationToken)
    {
        _transport.FlushAudio();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        _transport.RequestClose(WebSocketCloseStatus.NormalClosure, SessionEnded);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _transport.DisposeAsync(WebSocketCloseStatus.NormalClosure, SessionEnded);

    /// <inheritdoc />
    int IWebSocketLegProtocol.MaxMessageBytes(WebSocketMessageType type) =>
        type == WebSocketMessageType.Text ? BrowserMessageCodec.MaxFrameBytes : MaxAudioFrameBytes;

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> message)
    {
        if (type == WebSocketMessageType.Binary)
        {
            HandleAudio(message);
        }
        else
        {
            HandleCommand(message);
        }
    }

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnMessageTooBig(WebSocketMessageType type, int limit) =>
        CloseForBadInput(WebSocketCloseStatus.PolicyViolation, $"{type} frame larger than {limit} bytes");

    /// <inheritdoc />
    ReadOnlyMemory<byte> IWebSocketLegProtocol.EncodeAudio(ReadOnlyMemory<byte> pcm) => pcm;

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnCloseRequested() => _commands.Writer.TryComplete();

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnReceiveEnded() => _commands.Writer.TryComplete();

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnPeerClosed(int status) => LogPeerClosed(_sessionId, status);

    /// <inheritdoc />
    void IWebSocketLegProtocol.OnSocketFailed(WebSocketError error) => LogSocketFailed(_sessionId, error);

    private void CloseForBadInput(WebSocketCloseStatus status, string reason)
    {
        ProtocolCloseStatus = status;
        LogBadInput(_sessionId, (int)status, reason);
        _transport.RequestClose(status, reason);
    }

    private void HandleAudio(ReadOnlySpan<byte> pcm)
    {
        if ((pcm.Length & 1) != 0)
        {
            CloseForBadInput(WebSocketCloseStatus.PolicyViolation, "an audio frame is PCM16: its length must be even");
            return;
        }

        if (pcm.IsEmpty || !_audioEnabled)
        {
            return; // Muted: the caller's audio goes nowhere.
        }

        var frame = PooledAudio.CopyOf(pcm);
        if (!_transport.TryWriteInbound(frame))
        {
            frame.Dispose();
        }
    }

    private void HandleCommand(ReadOnlySpan<byte> json)
    {
        if (!BrowserMessageCodec.TryParse(json, out var message, out var error))
        {
            CloseForBadInput(WebSocketCloseStatus.InvalidPayloadData, error ?? "invalid command");
            return;
        }

        if (message.Kind == BrowserClientMessageKind.Audio)
        {
            _audioEnabled = message.Enabled;
            return;
        }

        if (!_commands.Writer.TryWrite(message))
        {
            CloseForBadInput(WebSocketCloseStatus.PolicyViolation, "too many commands in flight");
        }
    }

    [LoggerMessage(EventId = 2161, Level = LogLevel.Warning, Message = "Browser session {SessionId}: closing the media socket with {Status}: {Reason}")]
    private partial void LogBadInput(string sessionId, int status, string reason);

    [LoggerMessage(EventId = 2162, Level = LogLevel.Information, Message = "Browser session {SessionId}: the media socket was closed by the page ({Status})")]
    private partial void LogPeerClosed(string sessionId, int status);

    [LoggerMessage(EventId = 2163, Level = LogLevel.Information, Message = "Browser session {SessionId}: the media socket failed ({Error})")]
    private partial void LogSocketFailed(string sessionId, WebSocketError error);
}
