using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>The Realtime simulator's log messages (event ids 7100–7199). Never per audio chunk.</summary>
internal static partial class RealtimeSimulatorLog
{
    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Realtime simulator listening on {BaseUrl}")]
    public static partial void Listening(ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Realtime connection refused with {StatusCode}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Realtime session {SessionId} started (model {Model})")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string model);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Information, Message = "Realtime session {SessionId} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Warning, Message = "Realtime session {SessionId} sent error {Code}: {Message}")]
    public static partial void ErrorSent(ILogger logger, string sessionId, string code, string message);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Debug, Message = "Realtime session {SessionId} response {ResponseId} {Status} after {ProducedMs:F0} ms of audio")]
    public static partial void ResponseFinished(ILogger logger, string sessionId, string responseId, string status, double producedMs);

    [LoggerMessage(EventId = 8904, Level = LogLevel.Warning, Message = "Realtime session {SessionId} dropped on purpose ({Trigger}): socket aborted without a close frame")]
    public static partial void ConnectionDropped(ILogger logger, string sessionId, string trigger);
}
