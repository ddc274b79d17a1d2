using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>Storage queues as the Functions app sends to them: records every message; <see cref="OnSend"/> plays the replica.</summary>
internal sealed class FakeCommandQueues : ICallCommandQueueSender
{
    public ConcurrentQueue<(string Queue, CallCommandMessage Message, TimeSpan Ttl)> Sent { get; } = new();

    public bool Exists { get; set; } = true;

    public Action<CallCommandMessage>? OnSend { get; set; }

    public bool IsAvailable => true;

    public Task<bool> SendAsync(string queueName, CallCommandMessage message, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (!Exists)
        {
            return Task.FromResult(false);
        }

        Sent.Enqueue((queueName, message, timeToLive));
        OnSend?.Invoke(message);
        return Task.FromResult(true);
    }
}
