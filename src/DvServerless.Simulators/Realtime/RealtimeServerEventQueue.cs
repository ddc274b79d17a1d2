using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The single queue between a session's decisions and its socket: every server event, close and drop is written here
/// under the session's lock, and one sender drains it, so the order on the wire is the order decisions were made in.
/// </summary>
internal sealed class RealtimeServerEventQueue
{
    private readonly Channel<RealtimeOutboundFrame> _frames = Channel.CreateUnbounded<RealtimeOutboundFrame>(new() { SingleReader = true });

    /// <summary>What the sender drains.</summary>
    public ChannelReader<RealtimeOutboundFrame> Reader => _frames.Reader;

    /// <summary>A new server event with its <c>type</c> and a fresh <c>event_id</c> first, as the service orders them.</summary>
    public static JsonObject NewEvent(string type) => new() { ["type"] = type, ["event_id"] = RealtimeIds.New("event") };

    /// <summary>Queues a server event.</summary>
    public void Send(JsonObject evt) => _frames.Writer.TryWrite(new RealtimeOutboundFrame(JsonSerializer.SerializeToUtf8Bytes(evt), null, null));

    /// <summary>Queues a server event already written as UTF-8 JSON (<see cref="RealtimeAudioDeltaEvent"/>).</summary>
    public void Send(byte[] utf8Json) => _frames.Writer.TryWrite(new RealtimeOutboundFrame(utf8Json, null, null));

    /// <summary>Queues a close frame behind what is already queued.</summary>
    public void Close(WebSocketCloseStatus status, string reason) => _frames.Writer.TryWrite(new RealtimeOutboundFrame(null, status, reason));

    /// <summary>Queues an abort of the connection behind what is already queued.</summary>
    public void Drop(RealtimeDropRecord drop) => _frames.Writer.TryWrite(new RealtimeOutboundFrame(null, null, null, drop));

    /// <summary>Nothing more will be queued: the sender ends once it has sent what is left.</summary>
    public void Complete() => _frames.Writer.TryComplete();
}
