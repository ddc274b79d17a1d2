namespace DvServerless.Functions.Calls;

/// <summary>The outcome of applying one callback delivery to a call.</summary>
/// <param name="Found">False when the call is unknown (nothing was applied).</param>
/// <param name="Results">One result per event, in delivery order.</param>
public sealed record CallEventsOutcome(bool Found, IReadOnlyList<CallEventResult> Results)
{
    /// <summary>The outcome for an unknown call.</summary>
    public static CallEventsOutcome NotFound { get; } = new(false, []);
}
