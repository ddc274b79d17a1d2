namespace DvServerless.Cli.Calls;

/// <summary>The SIP part of a <c>dvs call --sip --json</c> summary (<see cref="CallSummary.Sip"/>, written as <c>"sip"</c>).</summary>
public sealed record SipCallDetails
{
    /// <summary>OpenAI's <c>rtc_…</c> call id.</summary>
    public required string SipCallId { get; init; }

    /// <summary>The <c>webhook-id</c> of the <c>realtime.call.incoming</c> delivery.</summary>
    public required string WebhookId { get; init; }

    /// <summary>The HTTP status of each webhook delivery attempt.</summary>
    public IReadOnlyList<int> WebhookAttempts { get; init; } = [];

    /// <summary>Valid accept requests (1 on success).</summary>
    public int AcceptCount { get; init; }

    /// <summary>Sideband WebSockets that attached (1 on success).</summary>
    public int SidebandCount { get; init; }

    /// <summary>The SIP status of a reject, if the call was rejected.</summary>
    public int? RejectStatus { get; init; }

    /// <summary>Where the call was transferred, if it was.</summary>
    public string? ReferTarget { get; init; }

    /// <summary>How the simulated call ended (<c>CallerHungUp</c>, <c>AppHungUp</c>, <c>Referred</c>, <c>Rejected</c>, …).</summary>
    public required string SimulatorEnd { get; init; }

    /// <summary>Milliseconds from the webhook's arrival (session created) to the accepted state, from the session history.</summary>
    public int? WebhookToAcceptMs { get; init; }

    /// <summary>The SIP headers stored on the session, in order (untrusted caller data).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SipHeaders { get; init; } = [];
}
