using DvServerless.Adapters.CallActions;

namespace DvServerless.Functions.CallActions;

/// <summary>
/// What both hosts do with one message of <see cref="CallActionQueueDefaults.Name"/>: read it strictly, drop poison, and let
/// <see cref="CallActionService"/> carry it out. The queue trigger (<see cref="CallActionFunction"/>) and the standalone
/// poller (<see cref="StandaloneCallActionPoller"/>) only receive, delete and retry.
/// </summary>
public sealed partial class CallActionQueueHandler
{
    private readonly CallActionService _service;
    private readonly ILogger<CallActionQueueHandler> _logger;

    /// <summary>Creates the handler.</summary>
    public CallActionQueueHandler(CallActionService service, ILogger<CallActionQueueHandler> logger)
    {
        _service = service;
        _logger = logger;
    }

    /// <summary>
    /// Handles the text of a message delivered for the <paramref name="dequeueCount"/>-th time; true when the queue is done
    /// with it (carried out, refused, failed on its last delivery, or poison: delete it), false when it failed and should come back.
    /// </summary>
    public async Task<bool> HandleAsync(string? text, long dequeueCount, CancellationToken cancellationToken)
    {
        if (!CallActionMessage.TryParse(text, out var action))
        {
            LogPoison(dequeueCount, "it is not a version-" + CallActionMessage.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " call action (call id, hangUp or transfer)");
            return true;
        }

        if (dequeueCount > CallActionQueueDefaults.MaxDequeueCount)
        {
            LogPoison(dequeueCount, $"{action!.Action} for call {action.CallId} failed on every delivery");
            return true;
        }

        if (await _service.ExecuteAsync(action!, cancellationToken).ConfigureAwait(false) != CallActionOutcome.Failed)
        {
            return true;
        }

        if (dequeueCount >= CallActionQueueDefaults.MaxDequeueCount)
        {
            // The last delivery failed as well: done with it here (not left to become poison unseen), and the agent of a
            // transfer is told it did not happen.
            await _service.GiveUpAsync(action!, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    [LoggerMessage(EventId = 9424, Level = LogLevel.Error, Message = "Dropped poison message from queue dvs-call-actions after {DequeueCount} deliveries: {Reason}")]
    private partial void LogPoison(long dequeueCount, string reason);
}
