using Microsoft.Extensions.AI;

namespace DvServerless.Testing.Cascaded;

/// <summary>What one request to <see cref="ScriptedChatClient"/> streams back, step by step.</summary>
public sealed class ChatScript
{
    internal List<Func<CancellationToken, Task<ChatResponseUpdate?>>> Steps { get; } = [];

    /// <summary>Completes when the script streamed its last step.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the request's cancellation token fired while the script waited.</summary>
    public TaskCompletionSource CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Streams <paramref name="text"/> as one update.</summary>
    public ChatScript Text(string text) => Add(new ChatResponseUpdate(ChatRole.Assistant, text));

    /// <summary>Streams a function call.</summary>
    public ChatScript Call(string callId, string name, IDictionary<string, object?>? arguments = null) =>
        Add(new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent(callId, name, arguments)]));

    /// <summary>Streams a usage report.</summary>
    public ChatScript Usage(long input, long output) =>
        Add(new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output })]));

    /// <summary>Waits until <paramref name="gate"/> completes (or the request is cancelled) before the next step.</summary>
    public ChatScript WaitFor(Task gate)
    {
        Steps.Add(async token =>
        {
            try
            {
                await gate.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                CancellationObserved.TrySetResult();
                throw;
            }

            return null;
        });
        return this;
    }

    /// <summary>Fails the request with <paramref name="exception"/>.</summary>
    public ChatScript Fail(Exception exception)
    {
        Steps.Add(_ => Task.FromException<ChatResponseUpdate?>(exception));
        return this;
    }

    private ChatScript Add(ChatResponseUpdate update)
    {
        Steps.Add(_ => Task.FromResult<ChatResponseUpdate?>(update));
        return this;
    }
}
