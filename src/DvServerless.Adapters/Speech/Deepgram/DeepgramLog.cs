using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>Source-generated log messages of the Deepgram recognizer (event ids 8300–8309). Nothing per audio frame.</summary>
internal static partial class DeepgramLog
{
    [LoggerMessage(EventId = 8300, Level = LogLevel.Information, Message = "Deepgram recognition for call {CallId} connected to {Host}, model {Model}")]
    public static partial void Connected(ILogger logger, string callId, string host, string model);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Warning, Message = "Deepgram refused the recognition for call {CallId}: HTTP {Status} {Reason}")]
    public static partial void Refused(ILogger logger, string callId, int status, string reason);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Warning, Message = "Deepgram frame for call {CallId} is not valid JSON; ignored")]
    public static partial void BadFrame(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 8303, Level = LogLevel.Information, Message = "Deepgram recognition for call {CallId} closed: {Status} {Reason}")]
    public static partial void Closed(ILogger logger, string callId, System.Net.WebSockets.WebSocketCloseStatus? status, string? reason);

    [LoggerMessage(EventId = 8304, Level = LogLevel.Warning, Message = "Deepgram connection for call {CallId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 8305, Level = LogLevel.Debug, Message = "Deepgram request {RequestId} for call {CallId} finished")]
    public static partial void Metadata(ILogger logger, string callId, string? requestId);

    [LoggerMessage(EventId = 8306, Level = LogLevel.Warning, Message = "Deepgram reported an error for call {CallId}: {Description}")]
    public static partial void ServerError(ILogger logger, string callId, string? description);
}
