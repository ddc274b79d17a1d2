namespace DvServerless.Adapters.Acs;

/// <summary>The parts of ACS <c>CallConnectionProperties</c> the gateway reads.</summary>
public sealed record CallConnectionProperties
{
    /// <summary>The call connection id.</summary>
    public required string CallConnectionId { get; init; }

    /// <summary>The server call id.</summary>
    public string? ServerCallId { get; init; }

    /// <summary><c>connecting</c>, <c>connected</c>, … as sent.</summary>
    public string? CallConnectionState { get; init; }

    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The callback URI ACS holds for the call.</summary>
    public string? CallbackUri { get; init; }

    /// <summary>The media streaming subscription state (<c>disabled</c>, <c>inactive</c>, <c>active</c>), if sent.</summary>
    public string? MediaStreamingState { get; init; }
}
