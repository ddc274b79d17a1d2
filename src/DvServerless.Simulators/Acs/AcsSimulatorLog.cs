using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Acs;

/// <summary>The ACS simulator's log messages (event ids 7100–7199).</summary>
internal static partial class AcsSimulatorLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "ACS simulator listening on {BaseUrl}")]
    public static partial void Listening(ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "ACS simulator refused {Method} {Path}: {Status} {Code} ({Reason})")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string code, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Callback {Type} to {Uri} failed: {Error}")]
    public static partial void CallbackFailed(ILogger logger, string type, string uri, string error);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Media protocol error on call {CallConnectionId}: {Error}")]
    public static partial void MediaProtocolError(ILogger logger, string callConnectionId, string error);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Call {CallConnectionId} ended: {Outcome}")]
    public static partial void CallEnded(ILogger logger, string callConnectionId, SimulatedCallOutcome outcome);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Error, Message = "Simulated call failed unexpectedly")]
    public static partial void CallCrashed(ILogger logger, Exception exception);
}
