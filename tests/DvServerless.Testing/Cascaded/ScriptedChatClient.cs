using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace DvServerless.Testing.Cascaded;

/// <summary>
/// A language model that streams the scripts the test queued, one per request (a plain "Okay." when none is left), and
/// keeps every request it got: the messages as sent and the options.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<ChatScript> _scripts = new();
    private readonly List<(List<ChatMessage> Messages, ChatOptions? Options)> _requests = [];

    /// <summary>Every request, oldest first.</summary>
    public IReadOnlyList<(List<ChatMessage> Messages, ChatOptions? Options)> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Queues the answer to a later request.</summary>
    public ChatScript Enqueue(ChatScript script)
    {
        lock (_scripts)
        {
            _scripts.Enqueue(script);
        }

        return script;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatScript script;
        lock (_scripts)
        {
            script = _scripts.Count > 0 ? _scripts.Dequeue() : new ChatScript().Text("Okay.");
        }

        lock (_requests)
        {
            _requests.Add((messages.Select(m => m.Clone()).ToList(), options));
        }

        foreach (var step in script.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await step(cancellationToken).ConfigureAwait(false) is { } update)
            {
                yield return update;
            }
        }

        script.Finished.TrySetResult();
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted") : null;

    public void Dispose()
    {
    }
}
