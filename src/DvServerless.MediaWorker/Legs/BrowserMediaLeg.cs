using System.Buffers;
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
/// One task reads, one task writes. The writer serves two lanes, control (events, close) before audio, so an
/// <c>INTERRUPT</c> reaches the page ahead of any queued audio; audio queued before <see cref="StopAudioAsync"/> is
/// dropped by generation, never sent.
/// </para>
/// <para>
/// Bad input closes the socket with a logged reason and changes nothing else: a binary frame of odd length or over
/// <see cref="MaxAudioFrameBytes"/>, or a text frame over <see cref="BrowserMessageCodec.MaxFrameBytes"/>, with 1008
/// (policy violation); a text frame that is not a known command with 1007 (invalid payload).
/// </para>
/// </remarks>
public sealed partial class BrowserMediaLeg : ICallLeg
{
    /// <summary>The largest binary (audio) frame accepted: about 1.3 s of audio; a page sends 20 ms (960 bytes).</summary>
    public const int MaxAudioFrameBytes = 64 * 1024;

    // Caller audio waiting for the engine: 1 s of 20 ms frames; when the engine stalls the oldest audio goes, so the
    // socket is always read and memory stays bounded.
    private const int InboundCapacity = 50;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly string _sessionId;
    private readonly ILogger _logger;
    private readonly Channel<PooledAudio> _inbound;
    private readonly Channel<BrowserClientMessage> _commands = Channel.CreateBounded<BrowserClientMessage>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true });
    private readonly Channel<OutboundAudio> _audio = Channel.CreateUnbounded<OutboundAudio>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ControlCommand> _control = Channel.CreateUnbounded<ControlCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<byte> _doorbell = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private long _stopGeneration;
    private int _started;
    private int _closeRequested;
    private int _disposed;
    private volatile bool _audioEnabled = true;

    /// <summary>Wraps an accepted browser media socket for session <paramref name="sessionId"/>.</summary>
    public BrowserMediaLeg(WebSocket socket, string sessionId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(logger);
        _socket = socket;
        _sessionId = sessionId;
        _logger = logger;
        _inbound = Channel.CreateBounded<PooledAudio>(
            new BoundedChannelOptions(InboundCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            static dropped => dropped.Dispose());
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
    public ChannelReader<PooledAudio> Inbound => _inbound.Reader;

    /// <summary>The page's commands other than audio on/off (which the leg applies itself). Completes when the socket closes.</summary>
    public ChannelReader<BrowserClientMessage> Commands => _commands.Reader;

    /// <inheritdoc />
    /// <remarks>The format is fixed, so this returns at once.</remarks>
    public ValueTask<AudioFormat?> StartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return ValueTask.FromResult<AudioFormat?>(null);
        }

        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }

        return ValueTask.FromResult<AudioFormat?>(Format);
    }

    /// <summary>
    /// Queues one text event (a JSON object from <see cref="BrowserMessageCodec"/>) for the page, ahead of queued audio.
    /// The bytes are copied. False once the leg is closing.
    /// </summary>
    public bool TrySendEvent(ReadOnlySpan<byte> json)
    {
        if (Volatile.Read(ref _closeRequested) != 0)
        {
            return false;
        }

        var copy = PooledAudio.CopyOf(json);
        if (!_control.Writer.TryWrite(ControlCommand.Event(copy)))
        {
            copy.Dispose();
            return false;
        }

        _doorbell.Writer.TryWrite(0);
        return true;
    }

    /// <summary>
    /// Ends the caller's input (the session is being stopped) without closing the socket, so the call loop ends and
    /// the last events still reach the page before <see cref="CloseAsync"/> closes it.
    /// </summary>
    public void EndInput()
    {
        _inbound.Writer.TryComplete();
        _commands.Writer.TryComplete();
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
            copy.Dispose();
            return ValueTask.CompletedTask;
        }

        _doorbell.Writer.TryWrite(0);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Drops the audio not yet sent. Audio already sent sits in the page's playback buffer: the page flushes it on the
    /// <c>INTERRUPT</c> event, which the call loop's observer sends right after this with the truncation point.
    /// </remarks>
    public ValueTask StopAudioAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stopGeneration);
        _doorbell.Writer.TryWrite(0);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        RequestClose(WebSocketCloseStatus.NormalClosure, "session ended");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RequestClose(WebSocketCloseStatus.NormalClosure, "session ended");
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

        _control.Writer.TryComplete();
        while (_control.Reader.TryRead(out var command))
        {
            command.Payload.Dispose();
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

        _inbound.Writer.TryComplete();
        _commands.Writer.TryComplete();
        _audio.Writer.TryComplete();
        _control.Writer.TryWrite(ControlCommand.Close(status, reason));
        _doorbell.Writer.TryWrite(0);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }
    }

    private void CloseForBadInput(WebSocketCloseStatus status, string reason)
    {
        ProtocolCloseStatus = status;
        LogBadInput(_sessionId, (int)status, reason);
        RequestClose(status, reason);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                var limit = MaxAudioFrameBytes;
                do
                {
                    if (length == buffer.Length)
                    {
                        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxAudioFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = grown;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        LogPeerClosed(_sessionId, (int?)_socket.CloseStatus ?? 0);
                        return;
                    }

                    limit = result.MessageType == WebSocketMessageType.Text ? BrowserMessageCodec.MaxFrameBytes : MaxAudioFrameBytes;
                    length += result.Count;
                }
                while (!result.EndOfMessage && length <= limit);

                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    await DiscardMessageAsync(buffer, result).ConfigureAwait(false);
                    continue; // Closing: read on until the peer's close frame, but act on nothing.
                }

                if (length > limit)
                {
                    CloseForBadInput(WebSocketCloseStatus.PolicyViolation, $"{result.MessageType} frame larger than {limit} bytes");
                    await DiscardMessageAsync(buffer, result).ConfigureAwait(false);
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    HandleAudio(buffer.AsSpan(0, length));
                }
                else
                {
                    HandleCommand(buffer.AsSpan(0, length));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            LogSocketFailed(_sessionId, ex.WebSocketErrorCode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _inbound.Writer.TryComplete();
            _commands.Writer.TryComplete();
        }
    }

    private async ValueTask DiscardMessageAsync(byte[] buffer, ValueWebSocketReceiveResult result)
    {
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
        {
            result = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
        }
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
        if (!_inbound.Writer.TryWrite(frame))
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

    private async Task SendLoopAsync()
    {
        var token = _abort.Token;
        try
        {
            // No token on the wait: a cancellable wait allocates per call; the doorbell is rung by everything that
            // needs the writer to wake.
            while (await _doorbell.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _doorbell.Reader.TryRead(out _);
                while (true)
                {
                    if (_control.Reader.TryRead(out var command))
                    {
                        if (command.IsEvent)
                        {
                            using (command.Payload)
                            {
                                await _socket.SendAsync(command.Payload.Memory, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
                            }

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

                        await _socket.SendAsync(frame.Audio.Memory, WebSocketMessageType.Binary, true, token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            LogSocketFailed(_sessionId, ex.WebSocketErrorCode);
        }
        finally
        {
            _audio.Writer.TryComplete();
            _control.Writer.TryComplete();
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Browser session {SessionId}: closing the media socket with {Status}: {Reason}")]
    private partial void LogBadInput(string sessionId, int status, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Browser session {SessionId}: the media socket was closed by the page ({Status})")]
    private partial void LogPeerClosed(string sessionId, int status);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Browser session {SessionId}: the media socket failed ({Error})")]
    private partial void LogSocketFailed(string sessionId, WebSocketError error);

    private readonly record struct OutboundAudio(PooledAudio Audio, long Generation);

    private readonly record struct ControlCommand(WebSocketCloseStatus Status, string Reason, PooledAudio Payload, bool IsEvent)
    {
        public static ControlCommand Event(PooledAudio json) => new(default, string.Empty, json, IsEvent: true);

        public static ControlCommand Close(WebSocketCloseStatus status, string reason) => new(status, reason, default, IsEvent: false);
    }
}
