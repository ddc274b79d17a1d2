namespace DvServerless.Cli.Load;

/// <summary>How one load call went.</summary>
/// <param name="Index">The call's number in the run (0-based).</param>
/// <param name="Failure">Why it failed, or null when it completed.</param>
/// <param name="AgentFrames">Agent audio frames the caller received.</param>
/// <param name="MeasuredIntervals">Frame intervals that went into the jitter figure.</param>
public sealed record LoadCallOutcome(int Index, string? Failure, int AgentFrames, int MeasuredIntervals)
{
    /// <summary>True when the call ran its length and ended cleanly.</summary>
    public bool Completed => Failure is null;
}
