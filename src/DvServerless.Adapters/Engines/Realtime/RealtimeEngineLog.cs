using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>Source-generated log messages of the Realtime engine (event ids 4100–4119, 9521). No per-delta logging.</summary>
internal static partial class RealtimeEngineLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Realtime session for call {CallId} connecting to {Engine} at {Host}, model {Model}")]
    public static partial void Connecting(ILogger logger, string callId, string engine, string host, string model);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Realtime session for call {CallId} configured")]
    public static partial void SessionConfigured(ILogger logger, string callId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Realtime session for call {CallId} failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Realtime event {Type} ignored")]
    public static partial void EventIgnored(ILogger logger, string type);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Realtime frame for call {CallId} is not valid JSON; ignored")]
    public static partial void BadFrame(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Realtime error for call {CallId}: {Code} {Message}")]
    public static partial void ServerError(ILogger logger, string callId, string? code, string message);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Realtime session for call {CallId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Debug, Message = "Duplicate tool call {ToolCallId} ignored")]
    public static partial void DuplicateToolCall(ILogger logger, string toolCallId);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Debug, Message = "Response {ResponseId} finished: {Status} {Reason}")]
    public static partial void ResponseFinished(ILogger logger, string responseId, string status, string? reason);

    [LoggerMessage(EventId = 9521, Level = LogLevel.Debug, Message = "Realtime session for call {CallId}: the input idle timeout fired (input_audio_buffer.timeout_triggered); the service answers the silence with a response of its own")]
    public static partial void IdleTimeoutTriggered(ILogger logger, string callId);
}
