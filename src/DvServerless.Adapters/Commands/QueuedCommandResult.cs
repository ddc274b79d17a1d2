namespace DvServerless.Adapters.Commands;

/// <summary>How a queued command fared (<see cref="QueuedCommandExchange"/>).</summary>
/// <param name="Delivery">Whether it was answered, and if not, why.</param>
/// <param name="Reply">The replica's reply when <see cref="QueuedCommandDelivery.Replied"/>.</param>
/// <param name="Error">The failure's type name when <see cref="QueuedCommandDelivery.Unreachable"/>.</param>
public sealed record QueuedCommandResult(QueuedCommandDelivery Delivery, CallCommandReplyDocument? Reply, string? Error = null);
