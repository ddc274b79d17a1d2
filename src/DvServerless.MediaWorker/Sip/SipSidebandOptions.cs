namespace DvServerless.MediaWorker.Sip;

/// <summary>The worker's settings for OpenAI Realtime SIP calls (configuration section <c>Sip</c>, env <c>Sip__Key</c>).</summary>
public sealed class SipSidebandOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sip";

    /// <summary>
    /// Where the <c>transfer</c> tool sends the caller (SIP REFER): <c>tel:+14155550123</c> or <c>sip:desk@example.com</c>.
    /// Empty: the agent is told that transfers are not available.
    /// </summary>
    public string? TransferTarget { get; set; }

    /// <summary>How many SIP sidebands this worker runs at once; the Functions app rejects calls with 486 beyond it.</summary>
    public int MaxCalls { get; set; } = 50;

    /// <summary>The greeting's one-off instructions when the agent has none of its own.</summary>
    public string GreetingInstructions { get; set; } = "Greet the caller in one short sentence and ask how you can help.";

    /// <summary>
    /// When the agent ends the call (<c>end_call</c>), the longest the hang-up waits for its last words to finish playing
    /// into the call (<c>output_audio_buffer.stopped</c>) before it hangs up anyway.
    /// </summary>
    public TimeSpan GoodbyeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a seat taken for a call that is still being accepted (a <c>sip-reserve</c> from the shared SIP queue)
    /// stays taken without the attach that fills it; 5 s–5 min. The accept takes seconds; a Functions instance that dies
    /// between the two leaves a seat that frees itself after this.
    /// </summary>
    public TimeSpan ReservationHold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a replica with a free seat looks at the shared SIP queue (<c>dvs-sip</c>); 50 ms–2 s. It adds at most
    /// this much to the ring before a call is answered, at one queue request per interval per replica.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Checks the settings; returns the first problem, or null.</summary>
    public string? Validate() =>
        MaxCalls is < 1 or > 10_000 ? "Sip:MaxCalls must be between 1 and 10000."
        : ReservationHold < TimeSpan.FromSeconds(5) || ReservationHold > TimeSpan.FromMinutes(5) ? "Sip:ReservationHold must be between 00:00:05 and 00:05:00."
        : QueuePollInterval < TimeSpan.FromMilliseconds(50) || QueuePollInterval > TimeSpan.FromSeconds(2) ? "Sip:QueuePollInterval must be between 00:00:00.05 and 00:00:02."
        : GoodbyeTimeout < TimeSpan.Zero || GoodbyeTimeout > TimeSpan.FromMinutes(1) ? "Sip:GoodbyeTimeout must be between 00:00:00 and 00:01:00."
        : !string.IsNullOrWhiteSpace(TransferTarget) && !(TransferTarget.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)
            || TransferTarget.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || TransferTarget.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
            ? "Sip:TransferTarget must be a tel: or sip: URI, e.g. tel:+14155550123."
        : null;
}
