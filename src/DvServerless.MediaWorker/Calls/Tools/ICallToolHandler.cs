using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// Runs one tool the agent may call. Register implementations in DI; every call's engine declares their
/// <see cref="Definition"/>s to the model, and the call loop picks the one whose <see cref="Name"/> matches the engine's
/// tool call, runs it off the audio path, and returns its output to the engine.
/// </summary>
public interface ICallToolHandler
{
    /// <summary>The tool name the agent uses (e.g. <c>end_call</c>).</summary>
    string Name { get; }

    /// <summary>How the tool is declared to the model; by default a bare function named <see cref="Name"/> with no arguments.</summary>
    AgentTool Definition => new() { Name = Name, Description = Name };

    /// <summary>Whether the tool can run in this deployment (e.g. a transfer needs a target); unavailable tools are not offered.</summary>
    bool IsAvailable => true;

    /// <summary>The line the agent says while this tool is slow to answer; null for none.</summary>
    ToolFiller? Filler => null;

    /// <summary>Runs the tool for <paramref name="callId"/> with the model's JSON <paramref name="argumentsJson"/>.</summary>
    ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="toolCall"/> for <paramref name="callId"/>; what the call loop calls. Tools that need the tool
    /// call's own id (an idempotency key) override it; by default it runs the tool with the call's arguments.
    /// </summary>
    ValueTask<CallToolResult> InvokeAsync(string callId, ToolCallRequested toolCall, CancellationToken cancellationToken) =>
        InvokeAsync(callId, toolCall.ArgumentsJson, cancellationToken);
}
