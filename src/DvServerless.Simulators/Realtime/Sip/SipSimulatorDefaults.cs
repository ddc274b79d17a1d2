namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>Well-known values of the simulated SIP side, for local runs only.</summary>
public static class SipSimulatorDefaults
{
    /// <summary>
    /// The development webhook signing secret the simulator signs with when none is configured (the base64 of the
    /// 32 ASCII bytes <c>dvserverless-local-sip-webhooks!</c>). Public and worthless: never configure it for a real
    /// OpenAI project.
    /// </summary>
    public const string WebhookSecret = "whsec_ZHZzZXJ2ZXJsZXNzLWxvY2FsLXNpcC13ZWJob29rcyE=";

    /// <summary>The <c>user-agent</c> OpenAI sends on webhook deliveries (PROTOCOL §2.2).</summary>
    public const string WebhookUserAgent = "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)";
}
