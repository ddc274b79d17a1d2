using Azure.Storage.Queues.Models;
using DvServerless.Adapters.CallActions;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.CallActions;

/// <summary>
/// Function <c>CallAction</c>: the queue trigger on <c>dvs-call-actions</c>, where the media worker asks for an ACS call to
/// be hung up or transferred. Only the Functions host fires it (host.json polls an idle queue at most every 2 s);
/// standalone, <see cref="StandaloneCallActionPoller"/> hands the messages to the same <see cref="CallActionQueueHandler"/>.
/// </summary>
public sealed class CallActionFunction
{
    private readonly CallActionQueueHandler _handler;

    /// <summary>Creates the function.</summary>
    public CallActionFunction(CallActionQueueHandler handler) => _handler = handler;

    /// <summary>
    /// One message. A failure throws, so the host makes the message visible again after host.json's visibility timeout and,
    /// after <c>maxDequeueCount</c> deliveries, moves it to <c>dvs-call-actions-poison</c>.
    /// </summary>
    [Function("CallAction")]
    public async Task RunAsync([QueueTrigger(CallActionQueueDefaults.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!await _handler.HandleAsync(message.MessageText, message.DequeueCount, cancellationToken))
        {
            throw new InvalidOperationException("The call action failed; the queue delivers it again.");
        }
    }
}
