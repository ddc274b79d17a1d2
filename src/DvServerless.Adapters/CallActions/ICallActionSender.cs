namespace DvServerless.Adapters.CallActions;

/// <summary>The media worker's end of <see cref="CallActionQueueDefaults"/>: asks the Functions app to act on an ACS call.</summary>
public interface ICallActionSender
{
    /// <summary>Puts <paramref name="message"/> on the queue; throws when storage cannot be reached.</summary>
    Task SendAsync(CallActionMessage message, CancellationToken cancellationToken);
}
