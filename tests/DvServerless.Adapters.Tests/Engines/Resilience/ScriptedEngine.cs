using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

/// <summary>
/// An engine whose events the test pushes, that records what it was sent and can refuse to start or never finish
/// starting (a black-holed connect that ignores its token).
/// </summary>
internal sealed class ScriptedEngine(AgentOptions agent, bool failToStart = false, bool hangOnStart = false) : IConversationEngine
{
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();

    public AgentOptions Agent { get; } = agent;

    public int AudioFramesReceived { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>How many <c>response.create</c>s it was sent.</summary>
    public int ResponsesCreated { get; private set; }

    /// <summary>What the engine does on a <c>response.create</c> (e.g. push a spoken answer).</summary>
    public Action<ScriptedEngine>? OnCreateResponse { get; set; }

    public string Name => "scripted";

    public AudioFormat AudioFormat => AudioFormat.Pcm24k;

    public void Push(EngineEvent engineEvent) => _events.Writer.TryWrite(engineEvent);

    /// <summary>The connection drops: the event stream ends with EngineClosed, and sends fail from now on.</summary>
    public void Drop(string reason)
    {
        Dropped = true;
        _events.Writer.TryWrite(new EngineClosed(reason));
        _events.Writer.TryComplete();
    }

    public bool Dropped { get; private set; }

    /// <summary>
    /// The socket is aborted under the sends before the event stream shows the drop: a send then fails as
    /// <see cref="OperationCanceledException"/> wrapping the transport's error, as <c>ManagedWebSocket</c> reports it.
    /// </summary>
    public void AbortSends() => SendsAborted = true;

    public bool SendsAborted { get; private set; }

    private TaskCompletionSource? _stalledNotes;

    /// <summary>Note sends from now on hang, as on a socket whose peer went silent, until <see cref="FailStalledNotes"/>.</summary>
    public void StallNotes() => _stalledNotes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The hanging note sends fail at last, as the dead connection's send does.</summary>
    public void FailStalledNotes() =>
        _stalledNotes?.TrySetException(new System.Net.WebSockets.WebSocketException("The remote party closed the WebSocket connection."));

    public Task StartAsync(CancellationToken cancellationToken) =>
        failToStart ? Task.FromException(new IOException("connection refused"))
        : hangOnStart ? new TaskCompletionSource().Task
        : Task.CompletedTask;

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (SendsAborted)
        {
            return Aborted();
        }

        if (Dropped)
        {
            throw new System.Net.WebSockets.WebSocketException("The remote party closed the WebSocket connection.");
        }

        AudioFramesReceived++;
        return ValueTask.CompletedTask;
    }

    public ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken)
    {
        ResponsesCreated++;
        OnCreateResponse?.Invoke(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>The user text items it was sent (each with its <c>response.create</c>).</summary>
    public List<string> UserTexts { get; } = [];

    /// <summary>The tool results (<c>function_call_output</c>) it was sent, as (call_id, output).</summary>
    public List<(string CallId, string Output)> ToolResults { get; } = [];

    public ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken)
    {
        lock (UserTexts)
        {
            UserTexts.Add(text);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The system notes (<c>message</c> items of role system) it was sent, with whether each asked for a response.</summary>
    public List<(string Text, bool Respond)> SystemNotes { get; } = [];

    public ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken)
    {
        if (SendsAborted)
        {
            return Aborted();
        }

        if (_stalledNotes is { } stalled)
        {
            return new ValueTask(stalled.Task);
        }

        if (Dropped)
        {
            throw new System.Net.WebSockets.WebSocketException("The remote party closed the WebSocket connection.");
        }

        lock (SystemNotes)
        {
            SystemNotes.Add((text, respond));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CancelResponseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken)
    {
        if (SendsAborted)
        {
            return Aborted();
        }

        lock (ToolResults)
        {
            ToolResults.Add((callId, output));
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<EngineEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    private static ValueTask Aborted() =>
        ValueTask.FromException(new OperationCanceledException("The operation was canceled.", new IOException("Cannot access a closed stream.")));

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
