using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>Source-generated log messages of the cascaded engine (event ids 8200–8219). Nothing per audio chunk.</summary>
internal static partial class CascadedEngineLog
{
    [LoggerMessage(EventId = 8200, Level = LogLevel.Information, Message = "Cascaded engine for call {CallId} started: {Engine}, {Format}")]
    public static partial void Started(ILogger logger, string callId, string engine, DvServerless.Core.Audio.AudioFormat format);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Cascaded engine for call {CallId}: {Part} failed: {Reason}")]
    public static partial void PartFailed(ILogger logger, string callId, string part, string reason);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Information, Message = "Cascaded engine for call {CallId}: speech-to-text reopened after {Reason} (restart {Restart})")]
    public static partial void RecognitionRestarted(ILogger logger, string callId, string reason, int restart);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Warning, Message = "Cascaded engine for call {CallId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 8204, Level = LogLevel.Debug, Message = "Response {ResponseId} finished: {Status} {Reason}")]
    public static partial void ResponseFinished(ILogger logger, string responseId, string status, string? reason);

    [LoggerMessage(EventId = 8205, Level = LogLevel.Debug, Message = "Call {CallId}: first agent audio {LatencyMs} ms after the caller's end of turn")]
    public static partial void FirstAudio(ILogger logger, string callId, double latencyMs);

    [LoggerMessage(EventId = 8206, Level = LogLevel.Debug, Message = "Call {CallId}: truncate of unknown item {ItemId} ignored")]
    public static partial void UnknownItem(ILogger logger, string callId, string itemId);

    [LoggerMessage(EventId = 8207, Level = LogLevel.Debug, Message = "Call {CallId}: tool result for {ToolCallId} recorded; {Waiting} still awaited")]
    public static partial void ToolResult(ILogger logger, string callId, string toolCallId, int waiting);
}
