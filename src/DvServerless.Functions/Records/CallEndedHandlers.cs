using DvServerless.Core.Calls;

namespace DvServerless.Functions.Records;

/// <summary>Runs the <see cref="ICallEndedHandler"/>s of an ended call; one failing handler is logged and does not stop the others or the callback.</summary>
public static partial class CallEndedHandlers
{
    /// <summary>Runs every handler for <paramref name="session"/>.</summary>
    public static async Task RunAsync(IReadOnlyList<ICallEndedHandler> handlers, CallSession session, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(session);
        foreach (var handler in handlers)
        {
            try
            {
                await handler.OnCallEndedAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogHandlerFailed(logger, e, session.CallId, handler.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Error, Message = "Call {CallId}: end-of-call handler {Handler} failed.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string callId, string handler);
}
