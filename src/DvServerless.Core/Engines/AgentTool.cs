namespace DvServerless.Core.Engines;

/// <summary>
/// A function the agent may call, as declared to the model: its name, what it is for, and a JSON Schema of its
/// arguments. Every engine declares the same list (the Realtime session's <c>tools</c>, a chat model's function tools),
/// and the call loop runs whichever the model calls.
/// </summary>
public sealed class AgentTool
{
    /// <summary>The function name the model uses (<c>end_call</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>When to call it, written for the model.</summary>
    public string Description { get; set; } = "";

    /// <summary>The JSON Schema (an <c>object</c> schema) of the arguments, as JSON text.</summary>
    public string ParametersJsonSchema { get; set; } = """{"type":"object","properties":{},"required":[],"additionalProperties":false}""";
}
