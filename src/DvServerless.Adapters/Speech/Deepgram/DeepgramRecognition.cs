using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>
/// One Deepgram stream: caller audio goes out as binary frames as it comes (no copy, no batching), Deepgram's messages
/// come back through a <see cref="DeepgramTurnAssembler"/> as recognition events. A <c>KeepAlive</c> text frame goes out
/// whenever no audio was sent for <see cref="DeepgramOptions.KeepAliveInterval"/>; <see cref="CompleteAsync"/> sends
/// <c>CloseStream</c>, after which Deepgram sends its last results and closes.
/// </summary>
internal sealed class DeepgramRecognition : ISpeechRecognition
{
    private static readonly byte[] KeepAliveMessage = Encoding.UTF8.GetBytes("""{"type":"KeepAlive"}""");
    private static readonly byte[] CloseStreamMessage = Encoding.UTF8.GetBytes("""{"type":"CloseStream"}""");

    private readonly WebSocket _socket;
    private readonly string _callId;
    private readonly TimeProvider _time;
    private readonly TimeSpan _keepAliveInterval;
    private readonly ILogger _logger;
    private readonly DeepgramTurnAssembler _turns;
    private readonly Channel<SpeechRecognitionEvent> _events =
        Channel.CreateUnbounded<SpeechRecognitionEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private readonly Task _keepAliveLoop;
    private long _lastSend;
    private int _completed;

    /// <summary>Takes over an open socket and starts reading it.</summary>
    public DeepgramRecognition(WebSocket socket, string callId, bool partials, TimeProvider time, TimeSpan keepAliveInterval, ILogger logger)
    {
        _socket = socket;
        _callId = callId;
        _time = time;
        _keepAliveInterval = keepAliveInterval;
        _logger = logger;
        _turns = new DeepgramTurnAssembler(partials);
        _lastSend = time.GetTimestamp();
        _receiveLoop = Task.Run(ReceiveAsync);
        _keepAliveLoop = Task.Run(KeepAliveAsync);
    }

    /// <inheritdoc />
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _completed) != 0)
        {
            throw new InvalidOperationException("The recognition was completed; no more audio can be sent.");
        }

        if (!audio.IsEmpty)
        {
            await SendAsync(audio, WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0 && _socket.State == WebSocketState.Open)
        {
            await SendAsync(CloseStreamMessage, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SpeechRecognitionEvent> ReadEventsAsync(CancellationToken cancellationToken) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _completed, 1);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer is gone already.
            }
        }

        _socket.Abort();
        await Task.WhenAll(_receiveLoop, _keepAliveLoop).ConfigureAwait(false);
        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(payload, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSend, _time.GetTimestamp());
        }
        catch (WebSocketException ex)
        {
            throw new SpeechToTextException("deepgram", "The Deepgram stream is closed.", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task KeepAliveAsync()
    {
        try
        {
            while (Volatile.Read(ref _completed) == 0 && _socket.State == WebSocketState.Open)
            {
                var idle = _time.GetElapsedTime(Volatile.Read(ref _lastSend));
                if (idle >= _keepAliveInterval)
                {
                    await SendAsync(KeepAliveMessage, WebSocketMessageType.Text, _stop.Token).ConfigureAwait(false);
                    continue;
                }

                await Task.Delay(_keepAliveInterval - idle, _time, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SpeechToTextException or ObjectDisposedException)
        {
            // Stopped, or the socket closed: the receive loop reports why.
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                // Idle costs nothing: a zero-byte read waits for the next frame before the buffer is touched. It may
                // also be the read that sees the close.
                var result = await _socket.ReceiveAsync(Memory<byte>.Empty, _stop.Token).ConfigureAwait(false);
                if (result.MessageType != WebSocketMessageType.Close)
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    OnClosed();
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await HandleAsync(message.WrittenSpan.ToArray()).ConfigureAwait(false);
                }

                message.ResetWrittenCount();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed by the caller.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            DeepgramLog.ConnectionFailed(_logger, _callId, ex);
            _events.Writer.TryWrite(new SpeechRecognitionError("Deepgram connection lost: " + ex.Message, Fatal: true));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (_turns.Flush() is { } pending)
            {
                _events.Writer.TryWrite(pending);
            }

            _events.Writer.TryComplete();
        }
    }

    private async Task HandleAsync(byte[] frame)
    {
        DeepgramServerMessage message;
        try
        {
            message = DeepgramServerMessage.Parse(frame);
        }
        catch (JsonException ex)
        {
            DeepgramLog.BadFrame(_logger, _callId, ex);
            return;
        }

        if (message.Type == "Metadata")
        {
            DeepgramLog.Metadata(_logger, _callId, message.Description);
        }
        else if (message.Type == "Error")
        {
            DeepgramLog.ServerError(_logger, _callId, message.Description);
        }

        foreach (var recognized in _turns.Accept(message))
        {
            await _events.Writer.WriteAsync(recognized, _stop.Token).ConfigureAwait(false);
        }
    }

    private void OnClosed()
    {
        var status = _socket.CloseStatus;
        DeepgramLog.Closed(_logger, _callId, status, _socket.CloseStatusDescription);
        if (status is not (WebSocketCloseStatus.NormalClosure or null))
        {
            // Deepgram closes with 1008 for audio it cannot decode (DATA-0000) and 1011 for timeouts (NET-0001).
            if (_turns.Flush() is { } pending)
            {
                _events.Writer.TryWrite(pending);
            }

            _events.Writer.TryWrite(new SpeechRecognitionError(
                $"Deepgram closed the stream: {(int)status.Value} {_socket.CloseStatusDescription}".TrimEnd(), Fatal: true));
        }

        if (_socket.State == WebSocketState.CloseReceived)
        {
            // Completes the close handshake; the receive loop ends either way.
            _ = _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None)
                .ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}
