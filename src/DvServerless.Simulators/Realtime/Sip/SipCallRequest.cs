namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// One simulated inbound SIP call for <see cref="RealtimeSimulator.PlaceSipCallAsync"/>: where the
/// <c>realtime.call.incoming</c> webhook goes and how it is signed, the INVITE's headers, what the caller says and how
/// the call behaves.
/// </summary>
public sealed class SipCallRequest
{
    /// <summary>The app's webhook URL (the Functions <c>SipIncoming</c> endpoint or a test receiver).</summary>
    public required Uri WebhookUrl { get; init; }

    /// <summary>The Standard Webhooks signing secret (<c>whsec_…</c>).</summary>
    public string WebhookSecret { get; init; } = SipSimulatorDefaults.WebhookSecret;

    /// <summary>The INVITE's headers in order (repeats allowed), e.g. From, To, Call-ID and custom <c>X-</c> headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SipHeaders { get; init; } =
    [
        new("From", "\"Caller\" <sip:+14155550100@sip.example.com>;tag=dvs"),
        new("To", "<sip:+14155550199@sip.api.openai.com>"),
        new("Call-ID", "dvs-simulated-call"),
    ];

    /// <summary>What the caller says: PCM16 little-endian, 24 kHz, mono. Empty: the caller stays silent.</summary>
    public ReadOnlyMemory<byte> CallerAudio { get; init; }

    /// <summary>How many times faster than real time the caller's audio is played (tests use more than 1).</summary>
    public double CallerAudioSpeed { get; init; } = 1;

    /// <summary>The pause after the first sideband attaches before the caller starts talking (lets a greeting begin).</summary>
    public TimeSpan CallerStartDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Deliveries of the webhook before giving up (non-2xx or no answer is retried).</summary>
    public int MaxWebhookAttempts { get; init; } = 5;

    /// <summary>The wait before the first redelivery; doubled for each next one.</summary>
    public TimeSpan WebhookRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Also post a <c>live.call.incoming</c> for the same call (a Realtime gateway must 2xx and ignore it).</summary>
    public bool AlsoEmitLiveCallIncoming { get; init; }

    /// <summary>How long the app has to accept or reject after the webhook was delivered.</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after the accept a sideband has to attach before the caller gives up.</summary>
    public TimeSpan AttachTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Once the caller's audio is done, the caller hangs up after the agent has been quiet this long.</summary>
    public TimeSpan HangUpAfterAgentQuiet { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest the connected call may last before the caller hangs up regardless.</summary>
    public TimeSpan MaxCallDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the request; throws <see cref="ArgumentException"/> with the first problem.</summary>
    public void Validate()
    {
        if (WebhookUrl is null || !WebhookUrl.IsAbsoluteUri || WebhookUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("WebhookUrl must be an absolute http(s) URL.");
        }

        if (string.IsNullOrEmpty(WebhookSecret))
        {
            throw new ArgumentException("WebhookSecret must not be empty.");
        }

        if (CallerAudio.Length % 2 != 0)
        {
            throw new ArgumentException("CallerAudio must be whole 16-bit samples.");
        }

        if (MaxWebhookAttempts is < 1 or > 20 || CallerAudioSpeed is <= 0 or > 100)
        {
            throw new ArgumentException("MaxWebhookAttempts must be 1–20 and CallerAudioSpeed in (0, 100].");
        }
    }
}
