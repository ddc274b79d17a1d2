namespace DvServerless.Adapters.Commands;

/// <summary>One message received from a replica's command queue, hidden from other receivers until deleted or its visibility ends.</summary>
/// <param name="MessageId">The queue's id of the message.</param>
/// <param name="PopReceipt">The receipt that deletes this delivery of it.</param>
/// <param name="Text">The message text (a <see cref="CallCommandMessage"/>'s JSON, unless it is poison).</param>
/// <param name="DequeueCount">How many times the message has been received, this time included.</param>
public readonly record struct QueuedCommand(string MessageId, string PopReceipt, string Text, long DequeueCount);
