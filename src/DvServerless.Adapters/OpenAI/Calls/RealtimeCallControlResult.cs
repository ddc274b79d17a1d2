namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>The result of one call-control request; never an exception for an HTTP answer.</summary>
/// <param name="Outcome">Ok, CallGone or Failed.</param>
/// <param name="StatusCode">The last HTTP status, or null when no response arrived.</param>
/// <param name="Message">The service's error message (or the transport failure), null on success. Never holds a key.</param>
/// <param name="Attempts">How many requests were sent (1 unless 5xx/429/transport failures were retried).</param>
public readonly record struct RealtimeCallControlResult(
    RealtimeCallControlOutcome Outcome, int? StatusCode, string? Message, int Attempts)
{
    /// <summary>True for <see cref="RealtimeCallControlOutcome.Ok"/>.</summary>
    public bool IsOk => Outcome == RealtimeCallControlOutcome.Ok;
}
