namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// Runs one tool the agent may call. Register implementations in DI; the call loop picks the one whose
/// <see cref="Name"/> matches the engine's tool call, runs it off the audio path, and returns its output to the engine.
/// </summary>
public interface ICallToolHandler
{
    /// <summary>The tool name the agent uses (e.g. <c>end_call</c>).</summary>
    string Name { get; }

    /// <summary>Runs the tool for <paramref name="callId"/> with the model's JSON <paramref name="argumentsJson"/>.</summary>
    ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken);
}
