namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>What a tool returns: the output for the engine, or a request to end the call.</summary>
/// <param name="Output">The tool output (usually JSON) sent back to the engine; ignored when <paramref name="EndCall"/> is set.</param>
/// <param name="EndCall">True to end the call once the agent's queued audio has played.</param>
/// <param name="Failed">True when <paramref name="Output"/> reports a failure (a timeout, an error answer) the model is told about.</param>
public readonly record struct CallToolResult(string Output, bool EndCall = false, bool Failed = false);
