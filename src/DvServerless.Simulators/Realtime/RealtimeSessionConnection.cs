using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The WebSocket of one simulated session: reads whole client messages (up to a size limit) and hands each to the
/// dispatcher under the session's lock, and sends the queued frames — events, a close, or a deliberate drop — in order.
/// </summary>
internal sealed class RealtimeSessionConnection(
    WebSocket socket, Socket? transport, RealtimeSessionContext session, RealtimeClientEventDispatcher dispatcher, RealtimeConnectionDropFault drop)
{
    // A whole 15 MiB append is ~20 MiB of base64 JSON; anything bigger than this is not a Realtime event.
    private const int MaxMessageBytes = 32 * 1024 * 1024;

    /// <summary>Reads client messages until the client closes or the session's lifetime ends.</summary>
    public async Task ReceiveAsync()
    {
        var token = session.Lifetime.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (session.Gate)
                    {
                        if (!session.Closing)
                        {
                            session.Closing = true;
                            session.CloseReason ??= $"client closed ({(int?)socket.CloseStatus} {socket.CloseStatusDescription})";
                            session.Events.Close(WebSocketCloseStatus.NormalClosure, string.Empty);
                        }
                    }

                    return;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    lock (session.Gate)
                    {
                        session.BeginClose(WebSocketCloseStatus.MessageTooBig, "Message too big.");
                    }

                    message.ResetWrittenCount();
                    continue;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                lock (session.Gate)
                {
                    if (!session.Closing)
                    {
                        dispatcher.Handle(result.MessageType, message.WrittenSpan);
                    }
                }

                message.ResetWrittenCount();
                if (message.Capacity > 1024 * 1024)
                {
                    message = new ArrayBufferWriter<byte>(64 * 1024);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends the queued frames in order until the queue completes or the socket is gone.</summary>
    public async Task SendAsync()
    {
        try
        {
            await foreach (var frame in session.Events.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (frame.Drop is { } dropped)
                {
                    await drop.DropAsync(dropped, socket, transport).ConfigureAwait(false);
                    break;
                }

                if (frame.CloseStatus is { } status)
                {
                    if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        await socket.CloseOutputAsync(status, frame.CloseReason, timeout.Token).ConfigureAwait(false);
                    }

                    continue;
                }

                if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    continue;
                }

                await socket.SendAsync(frame.Json.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, session.Lifetime.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is gone; the receive loop ends the session.
        }
    }
}
