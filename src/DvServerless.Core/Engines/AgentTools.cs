namespace DvServerless.Core.Engines;

/// <summary>The tools every channel offers the agent: hang up, and hand the caller to a person.</summary>
public static class AgentTools
{
    /// <summary>The name of <see cref="EndCall"/>.</summary>
    public const string EndCallName = "end_call";

    /// <summary>The name of <see cref="Transfer"/>.</summary>
    public const string TransferName = "transfer";

    /// <summary>End the call once the goodbye has played.</summary>
    public static AgentTool EndCall => new()
    {
        Name = EndCallName,
        Description = "End the phone call. Call this after you have said goodbye, or when the caller asks to hang up.",
        ParametersJsonSchema = """{"type":"object","properties":{"reason":{"type":"string","description":"Why the call ends, in a few words."}},"required":[],"additionalProperties":false}""",
    };

    /// <summary>Transfer the caller to the configured human colleague (the model does not choose the number).</summary>
    public static AgentTool Transfer => new()
    {
        Name = TransferName,
        Description = "Transfer the caller to a human colleague. Tell the caller you are transferring them before you call this.",
        ParametersJsonSchema = """{"type":"object","properties":{"reason":{"type":"string","description":"What the caller needs help with."}},"required":[],"additionalProperties":false}""",
    };
}
