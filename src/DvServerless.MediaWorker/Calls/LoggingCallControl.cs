using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The default <see cref="ICallControl"/>: records the hang-up request in the log. Closing the media socket already ends
/// the worker's part of the call; a real hang-up is wired in by registering another <see cref="ICallControl"/>.
/// </summary>
public sealed partial class LoggingCallControl(ILogger<LoggingCallControl> logger) : ICallControl
{
    /// <inheritdoc />
    public ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken)
    {
        LogHangUpRequested(callId, reason);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "Hang-up requested for call {CallId}: {Reason}")]
    private partial void LogHangUpRequested(string callId, string reason);
}
