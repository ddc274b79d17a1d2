using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.OpenAI;

/// <summary>Source-generated log messages of Realtime transcription (event ids 8320–8329). Nothing per audio frame.</summary>
internal static partial class RealtimeTranscriptionLog
{
    [LoggerMessage(EventId = 8320, Level = LogLevel.Information, Message = "Transcription session for call {CallId} connecting to {Host}, model {Model}")]
    public static partial void Connecting(ILogger logger, string callId, string host, string model);

    [LoggerMessage(EventId = 8321, Level = LogLevel.Warning, Message = "Transcription session for call {CallId} failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 8322, Level = LogLevel.Warning, Message = "Transcription frame for call {CallId} is not valid JSON; ignored")]
    public static partial void BadFrame(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 8323, Level = LogLevel.Warning, Message = "Transcription error for call {CallId}: {Code} {Message}")]
    public static partial void ServerError(ILogger logger, string callId, string? code, string message);

    [LoggerMessage(EventId = 8324, Level = LogLevel.Information, Message = "Transcription session for call {CallId} closed: {Status} {Reason}")]
    public static partial void Closed(ILogger logger, string callId, System.Net.WebSockets.WebSocketCloseStatus? status, string? reason);

    [LoggerMessage(EventId = 8325, Level = LogLevel.Warning, Message = "Transcription connection for call {CallId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string callId, Exception exception);
}
