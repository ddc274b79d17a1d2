using System.Net.WebSockets;

namespace DvServerless.MediaWorker.Legs;

/// <summary>
/// What a call leg tells its <see cref="WebSocketLegTransport"/>: how big a message may be, what an inbound message means,
/// how outbound audio is framed, and what happens on close. The transport calls every receive-side member from its one
/// receive task and <see cref="EncodeAudio"/> from its one send task.
/// </summary>
internal interface IWebSocketLegProtocol
{
    /// <summary>The WebSocket message type outbound audio travels in.</summary>
    WebSocketMessageType AudioMessageType { get; }

    /// <summary>The largest inbound message of <paramref name="type"/> accepted.</summary>
    int MaxMessageBytes(WebSocketMessageType type);

    /// <summary>One whole inbound message within the limit, while the leg is not closing.</summary>
    void OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> message);

    /// <summary>An inbound message of <paramref name="type"/> went over <paramref name="limit"/>; the transport discards the rest.</summary>
    void OnMessageTooBig(WebSocketMessageType type, int limit);

    /// <summary>Frames one outbound audio frame; the result is sent before the next call.</summary>
    ReadOnlyMemory<byte> EncodeAudio(ReadOnlyMemory<byte> pcm);

    /// <summary>The first close request: inbound caller audio is already completed.</summary>
    void OnCloseRequested();

    /// <summary>The receive loop ended (peer close, failure, abort): inbound caller audio is already completed.</summary>
    void OnReceiveEnded();

    /// <summary>The peer sent its close frame with <paramref name="status"/>.</summary>
    void OnPeerClosed(int status);

    /// <summary>The socket failed while reading or writing.</summary>
    void OnSocketFailed(WebSocketError error);
}
