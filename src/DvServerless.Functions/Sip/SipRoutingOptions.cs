namespace DvServerless.Functions.Sip;

/// <summary>
/// How the <c>SipIncoming</c> function decides a call (configuration section <c>Sip</c>): accept by default, reject when
/// a rule matches the caller's SIP headers, answer 486 Busy Here when the media worker has no room.
/// </summary>
public sealed class SipRoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sip";

    /// <summary>SIP 603 Decline, OpenAI's default reject status.</summary>
    public const int DeclineStatus = 603;

    /// <summary>SIP 486 Busy Here, for "no capacity now".</summary>
    public const int BusyStatus = 486;

    /// <summary>Reject rules, checked in order; the first match decides. Env: <c>Sip__Rules__0__Header</c>, …</summary>
    public List<SipRoutingRule> Rules { get; set; } = [];

    /// <summary>
    /// Ask the media worker for room before accepting (one short request); a worker that is full, draining or
    /// unreachable makes the call a 486. Off only for setups where the sideband is not wanted.
    /// </summary>
    public bool CheckWorkerCapacity { get; set; } = true;

    /// <summary>
    /// The longest the function waits for the worker (capacity and attach). The webhook must be answered within seconds,
    /// and the worker answers these from memory, so this stays short.
    /// </summary>
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a call may stay undecided (session <c>Ringing</c>) before a redelivery of its webhook takes the decision
    /// over: the instance that created the session is then taken to have died between creating it and accepting. Far
    /// longer than a decision takes (an admission count and one worker request under <see cref="WorkerTimeout"/>).
    /// </summary>
    public TimeSpan UndecidedTakeoverAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Route a call verified by the gateway's own webhook secret (<c>OpenAI:WebhookSecret</c>) to the tenant that owns the
    /// number or SIP URI in its <c>To</c> header (<c>Sip__RouteByCalledParty=true</c>). Off by default: <c>To</c> is set by
    /// whoever places the call, so turn this on only for trunks whose SBC sets it. Calls verified by a tenant's own secret
    /// always belong to that tenant, whatever <c>To</c> says. With this on, the number in <c>To</c> also picks the named
    /// agent that lists it (<c>Agents:{id}:PhoneNumbers</c>) for every SIP call, a tenant's included; off, SIP calls run
    /// the default agent.
    /// </summary>
    public bool RouteByCalledParty { get; set; }
}
