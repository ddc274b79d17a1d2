using System.Collections.Concurrent;
using DvServerless.Core.Calls;
using DvServerless.Functions.CallCommands;

namespace DvServerless.Functions.Tests.CallCommands;

/// <summary>The worker as the Functions app's command path sees it: records each command and answers <see cref="Answer"/>.</summary>
internal sealed class RecordingCallCommandClient : ICallCommandClient
{
    public ConcurrentQueue<(string CallId, CallCommand Command)> Sent { get; } = new();

    public CallCommandAnswer Answer { get; set; } = new(CallCommandResult.Done, 200, "done");

    public Task<CallCommandAnswer> SendAsync(CallSession session, CallCommand command, CancellationToken cancellationToken)
    {
        Sent.Enqueue((session.CallId, command));
        return Task.FromResult(Answer);
    }
}
