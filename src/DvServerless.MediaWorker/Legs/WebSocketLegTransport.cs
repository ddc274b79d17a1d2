using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// The WebSocket transport under a call leg (<see cref="AcsMediaLeg"/>, <see cref="BrowserMediaLeg"/>): the inbound
/// caller-audio queue, the outbound lanes and their sender, the receive loop with pooled buffers, and closing. What the
/// bytes mean is the leg's, through <see cref="IWebSocketLegProtocol"/>.
/// </summary>
/// <remarks>
/// <para>
/// One task reads, one task writes: the socket never sees two writers. The writer serves two lanes — control (text
/// messages such as StopAudio or page events, then close) before audio, always — so a control message jumps ahead of
/// queued audio; audio queued before <see cref="FlushAudio"/> is dropped by generation rather than sent.
/// </para>
/// <para>
/// Caller audio waits for the engine in a bounded queue; when the engine stalls the oldest audio goes, so the socket is
/// always read (the peer never sees back-pressure) and memory stays bounded.
/// </para>
/// </remarks>
internal sealed class WebSocketLegTransport : IAsyncDisposable
{
    // Caller audio waiting for the engine: 1 s of 20 ms frames.
    private const int InboundCapacity = 50;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly IWebSocketLegProtocol _protocol;
    private readonly int _initialBufferBytes;
    private readonly int _maxBufferBytes;
    private readonly Channel<PooledAudio> _inbound;
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

    /// <summary>
    /// Wraps <paramref name="socket"/> for <paramref name="protocol"/>. The receive buffer starts at
    /// <paramref name="initialBufferBytes"/> and grows (doubling) to at most <paramref name="maxBufferBytes"/>.
    /// </summary>
    public WebSocketLegTransport(WebSocket socket, IWebSocketLegProtocol protocol, int initialBufferBytes, int maxBufferBytes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(protocol);
        _socket = socket;
        _protocol = protocol;
        _initialBufferBytes = initialBufferBytes;
        _maxBufferBytes = maxBufferBytes;
        _inbound = Channel.CreateBounded<PooledAudio>(
            new BoundedChannelOptions(InboundCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            static dropped => dropped.Dispose());
    }

    /// <summary>Caller audio for the engine; completes when the socket closes or input ends.</summary>
    public ChannelReader<PooledAudio> Inbound => _inbound.Reader;

    /// <summary>Whether a close has been requested (the leg then acts on no further input).</summary>
    public bool CloseRequested => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>The status the peer closed with, when it did.</summary>
    public WebSocketCloseStatus? PeerCloseStatus => _socket.CloseStatus;

    /// <summary>Starts the reader and the writer, once; does nothing after a close request.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }
    }

    /// <summary>Queues caller audio for the engine; on false the frame is still the caller's to dispose.</summary>
    public bool TryWriteInbound(PooledAudio audio) => _inbound.Writer.TryWrite(audio);

    /// <summary>Ends caller audio (and frees the loop's reader) without closing the socket.</summary>
    public void CompleteInbound() => _inbound.Writer.TryComplete();

    /// <summary>Queues one audio frame (copied) behind the control lane; dropped when closing.</summary>
    public void QueueAudio(ReadOnlyMemory<byte> audio)
    {
        if (audio.IsEmpty)
        {
            return;
        }

        var copy = PooledAudio.CopyOf(audio.Span);
        if (!_audio.Writer.TryWrite(new OutboundAudio(copy, Volatile.Read(ref _stopGeneration))))
        {
            copy.Dispose(); // Closed: nobody will play it.
            return;
        }

        _doorbell.Writer.TryWrite(0);
    }

    /// <summary>Makes every audio frame queued so far stale: the writer drops it rather than send it.</summary>
    public void FlushAudio()
    {
        Interlocked.Increment(ref _stopGeneration);
        _doorbell.Writer.TryWrite(0);
    }

    /// <summary>
    /// Queues a text message ahead of queued audio. <paramref name="text"/> is not copied: it must not change (a static
    /// message). False once closing.
    /// </summary>
    public bool TrySendControl(ReadOnlyMemory<byte> text) => TryQueueControl(ControlCommand.Text(text, default));

    /// <summary>Queues a copy of a text message ahead of queued audio. False once closing.</summary>
    public bool TrySendControlCopy(ReadOnlySpan<byte> text)
    {
        if (CloseRequested)
        {
            return false;
        }

        var copy = PooledAudio.CopyOf(text);
        if (!TryQueueControl(ControlCommand.Text(copy.Memory, copy)))
        {
            copy.Dispose();
            return false;
        }

        return true;
    }

    /// <summary>
    /// Closes, once: caller audio ends at once (the protocol hears <see cref="IWebSocketLegProtocol.OnCloseRequested"/>),
    /// queued audio is dropped, queued control messages go out, then the close frame.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        // Caller audio after a close decision is of no use; completing now also frees the loop's reader at once.
        _inbound.Writer.TryComplete();
        _protocol.OnCloseRequested();
        _audio.Writer.TryComplete();
        _control.Writer.TryWrite(ControlCommand.Close(status, reason));
        _doorbell.Writer.TryWrite(0);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Never started: only the writer is needed, to send the close frame.
            _sending = Task.Run(SendLoopAsync, CancellationToken.None);
        }
    }

    /// <summary>Requests a close with <paramref name="status"/>, waits briefly for the handshake, then cuts and frees the socket.</summary>
    public async ValueTask DisposeAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RequestClose(status, reason);

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

        _control.Writer.TryComplete();
        while (_control.Reader.TryRead(out var command))
        {
            command.Owner.Dispose();
        }

        while (_inbound.Reader.TryRead(out var unread))
        {
            unread.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DisposeAsync(WebSocketCloseStatus.NormalClosure, "call ended");

    private bool TryQueueControl(ControlCommand command)
    {
        if (!_control.Writer.TryWrite(command))
        {
            return false;
        }

        _doorbell.Writer.TryWrite(0);
        return true;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = PooledBuffers.Rent(_initialBufferBytes);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                var limit = _protocol.MaxMessageBytes(WebSocketMessageType.Binary);
                do
                {
                    if (length == buffer.Length)
                    {
                        var grown = PooledBuffers.Rent(Math.Min(buffer.Length * 2, _maxBufferBytes));
                        buffer.AsSpan(0, length).CopyTo(grown);
                        PooledBuffers.Return(buffer);
                        buffer = grown;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _protocol.OnPeerClosed((int?)_socket.CloseStatus ?? 0);
                        return;
                    }

                    limit = _protocol.MaxMessageBytes(result.MessageType);
                    length += result.Count;
                }
                while (!result.EndOfMessage && length <= limit);

                if (CloseRequested)
                {
                    await DiscardMessageAsync(buffer, result).ConfigureAwait(false);
                    continue; // Closing: read on until the peer's close frame, but act on nothing.
                }

                if (length > limit)
                {
                    _protocol.OnMessageTooBig(result.MessageType, limit);
                    await DiscardMessageAsync(buffer, result).ConfigureAwait(false);
                    continue;
                }

                _protocol.OnMessage(result.MessageType, buffer.AsSpan(0, length));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            _protocol.OnSocketFailed(ex.WebSocketErrorCode);
        }
        finally
        {
            PooledBuffers.Return(buffer);
            _inbound.Writer.TryComplete();
            _protocol.OnReceiveEnded();
        }
    }

    private async ValueTask DiscardMessageAsync(byte[] buffer, ValueWebSocketReceiveResult result)
    {
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close)
        {
            result = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
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
                        if (!command.IsClose)
                        {
                            using (command.Owner)
                            {
                                await _socket.SendAsync(command.Payload, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
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
                            continue; // Queued before a flush: never played.
                        }

                        var message = _protocol.EncodeAudio(frame.Audio.Memory);
                        await _socket.SendAsync(message, _protocol.AudioMessageType, true, token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            _protocol.OnSocketFailed(ex.WebSocketErrorCode);
        }
        finally
        {
            _audio.Writer.TryComplete();
            _control.Writer.TryComplete();
        }
    }

    private readonly record struct OutboundAudio(PooledAudio Audio, long Generation);

    /// <summary>A text message (<see cref="Payload"/>, held by <see cref="Owner"/> when copied) or the close frame.</summary>
    private readonly record struct ControlCommand(ReadOnlyMemory<byte> Payload, PooledAudio Owner, WebSocketCloseStatus Status, string Reason, bool IsClose)
    {
        public static ControlCommand Text(ReadOnlyMemory<byte> payload, PooledAudio owner) => new(payload, owner, default, string.Empty, IsClose: false);

        public static ControlCommand Close(WebSocketCloseStatus status, string reason) => new(default, default, status, reason, IsClose: true);
    }
}
