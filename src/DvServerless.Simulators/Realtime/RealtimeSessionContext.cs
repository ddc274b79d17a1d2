using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// What every part of one simulated Realtime session shares: its ids, settings, effective configuration, the outbound
/// event queue, its lifetime and whether it is closing. All of a session's mutable state, here and in its parts, is
/// guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class RealtimeSessionContext
{
    public RealtimeSessionContext(
        RealtimeSimulatorOptions options,
        RealtimeSimulatorRecords records,
        string model,
        string? callId,
        bool transcription,
        ILogger logger,
        CancellationToken shutdown)
    {
        Options = options;
        Records = records;
        Time = options.TimeProvider ?? TimeProvider.System;
        Logger = logger;
        CallId = callId;
        Lifetime = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        SessionId = RealtimeIds.New("sess");
        var expiresAt = (Time.GetUtcNow() + options.MaxSessionDuration).ToUnixTimeSeconds();
        Config = RealtimeSessionConfiguration.CreateDefault(options, SessionId, model, expiresAt, transcription);
    }

    /// <summary>The one lock over the session's state.</summary>
    public object Gate { get; } = new();

    public RealtimeSimulatorOptions Options { get; }

    public RealtimeSimulatorRecords Records { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public string SessionId { get; }

    /// <summary>The SIP call this session is a sideband of, or null for a plain WebSocket session.</summary>
    public string? CallId { get; }

    public string ConversationId { get; } = RealtimeIds.New("conv");

    public RealtimeSessionConfiguration Config { get; }

    public RealtimeServerEventQueue Events { get; } = new();

    /// <summary>Cancelled when the session ends; a close gives the client a few seconds before it fires.</summary>
    public CancellationTokenSource Lifetime { get; }

    /// <summary>True once the session is closing: no client event is handled and no new output starts.</summary>
    public bool Closing { get; set; }

    /// <summary>The first reason the session ended for, recorded with it.</summary>
    public string? CloseReason { get; set; }

    /// <summary>Closes with a close frame behind what is queued. Under <see cref="Gate"/>.</summary>
    public void BeginClose(WebSocketCloseStatus status, string reason)
    {
        Closing = true;
        CloseReason ??= reason;
        Events.Close(status, reason);
        // The client has a few seconds to answer the close; then the receive loop gives up.
        Lifetime.CancelAfter(TimeSpan.FromSeconds(5));
    }
}
