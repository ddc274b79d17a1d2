using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>The <c>end_call</c> tool: the agent decided the conversation is over; the call is hung up once the goodbye has played.</summary>
public sealed class EndCallToolHandler : ICallToolHandler
{
    /// <summary>The tool name.</summary>
    public const string ToolName = AgentTools.EndCallName;

    /// <inheritdoc />
    public string Name => ToolName;

    /// <inheritdoc />
    public AgentTool Definition => AgentTools.EndCall;

    /// <inheritdoc />
    public ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CallToolResult("{\"ok\":true}", EndCall: true));
}
