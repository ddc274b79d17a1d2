using System.Buffers;
using System.Net.WebSockets;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Receives what the app sends on the media WebSocket: checks each message against the outbound spec, records it, and
/// hands audio and StopAudio to the caller's playout through <see cref="AcsMediaSession.FromApp"/>.
/// </summary>
internal sealed class AppMediaReceiver
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly AcsMediaSession _session;
    private readonly WebSocket _socket;

    public AppMediaReceiver(AcsMediaSession session, WebSocket socket)
    {
        _session = session;
        _socket = socket;
    }

    /// <summary>Receives until the app closes the socket or it fails.</summary>
    public async Task RunAsync()
    {
        var call = _session.Call;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!call.IsEnded)
                    {
                        call.Note($"media socket closed by app ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
                    }

                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by app", CancellationToken.None).ConfigureAwait(false);
                    }

                    return;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    call.AddProtocolError($"A media message exceeded {MaxMessageBytes} bytes.");
                    message.ResetWrittenCount();
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                Handle(result.MessageType, message);
                message.ResetWrittenCount();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // An aborted socket can end a pending receive with a cancellation rather than a WebSocketException.
            if (exception is WebSocketException || _socket.State == WebSocketState.Aborted)
            {
                call.OnMediaLost(exception.Message);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Handle(WebSocketMessageType type, ArrayBufferWriter<byte> message)
    {
        var call = _session.Call;
        var arrivedAt = _session.Elapsed;
        if (type == WebSocketMessageType.Binary)
        {
            call.AddProtocolError("A binary media message was received; ACS expects JSON text messages.");
            call.RecordOutbound(new OutboundMediaMessage(arrivedAt, OutboundMediaKind.Invalid, OutboundMediaSpelling.Invalid, 0, message.WrittenCount));
            return;
        }

        var parsed = AcsOutboundMessageParser.Parse(message.WrittenMemory);
        call.RecordOutbound(new OutboundMediaMessage(arrivedAt, parsed.Kind, parsed.Spelling, parsed.Audio?.Length ?? 0, message.WrittenCount));
        if (parsed.Error is { } error)
        {
            call.AddProtocolError(error);
        }
        else if (parsed.Kind == OutboundMediaKind.StopAudio)
        {
            call.Note("stop audio");
            _session.FromApp.Writer.TryWrite((arrivedAt, null));
        }
        else if (call.AcceptsAppAudio)
        {
            _session.FromApp.Writer.TryWrite((arrivedAt, parsed.Audio));
        }
        else
        {
            call.AddProtocolError("Audio was sent on a media stream that is not bidirectional.");
        }
    }
}
