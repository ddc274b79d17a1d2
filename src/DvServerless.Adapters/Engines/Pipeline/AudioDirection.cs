namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>Which side of a call a piece of audio (or text) comes from.</summary>
public enum AudioDirection
{
    /// <summary>The caller: audio on its way to the engine, and what the caller said.</summary>
    Caller,

    /// <summary>The agent: audio the engine produced, and what the agent said.</summary>
    Agent,
}
