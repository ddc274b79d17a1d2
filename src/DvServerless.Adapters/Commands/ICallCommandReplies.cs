namespace DvServerless.Adapters.Commands;

/// <summary>Where a worker replica leaves its answer to a queued command and the Functions app picks it up.</summary>
public interface ICallCommandReplies
{
    /// <summary>Stores the reply to command <paramref name="commandId"/>.</summary>
    Task WriteAsync(string commandId, CallCommandReplyDocument reply, CancellationToken cancellationToken);

    /// <summary>The reply to command <paramref name="commandId"/>, or null while there is none.</summary>
    Task<CallCommandReplyDocument?> TryReadAsync(string commandId, CancellationToken cancellationToken);
}
