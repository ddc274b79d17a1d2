namespace DvServerless.Functions.CallCommands;

/// <summary>
/// What the agent is told when the transfer it asked for does not happen (<see cref="CallAgentNotes"/>). Fixed texts:
/// no phone number, no reason codes the caller must not hear, nothing the model wrote.
/// </summary>
public static class TransferNotes
{
    /// <summary>The transfer was refused before it started (no transfer target, the call cannot be transferred).</summary>
    public const string NotPossible =
        "The transfer you started did not happen: this call cannot be transferred to a person right now. The caller is still "
        + "on the line with you. Apologise briefly, tell them you cannot put them through at the moment, and keep helping them yourself.";

    /// <summary>The transfer was tried and failed (the phone system refused it, or the person's line did not take the call).</summary>
    public const string Failed =
        "The transfer you started failed: the person could not be reached. The caller is still on the line with you. "
        + "Apologise briefly, tell them the transfer did not go through, and keep helping them yourself.";
}
