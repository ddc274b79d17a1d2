using System.Net.WebSockets;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// One item on a session's way to the wire: a server event's UTF-8 JSON, a close frame, or a deliberate drop of the
/// connection (<see cref="RealtimeConnectionDrop"/>), each sent in the order it was queued.
/// </summary>
internal readonly record struct RealtimeOutboundFrame(
    byte[]? Json, WebSocketCloseStatus? CloseStatus, string? CloseReason, RealtimeDropRecord? Drop = null);
