namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>The <c>end_call</c> tool: the agent decided the conversation is over.</summary>
public sealed class EndCallToolHandler : ICallToolHandler
{
    /// <summary>The tool name.</summary>
    public const string ToolName = "end_call";

    /// <inheritdoc />
    public string Name => ToolName;

    /// <inheritdoc />
    public ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CallToolResult("{\"ok\":true}", EndCall: true));
}
