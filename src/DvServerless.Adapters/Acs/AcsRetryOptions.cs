namespace DvServerless.Adapters.Acs;

/// <summary>
/// How Call Automation requests are retried (configuration section <c>Acs:Retry</c>, e.g.
/// <c>Acs__Retry__MaxRetries=2</c>): 408, 429, 5xx and transport failures are retried <see cref="MaxRetries"/> times with
/// exponential delays from <see cref="Delay"/> up to <see cref="MaxDelay"/>, or the server's wait when it names one, up
/// to <see cref="MaxRetryAfter"/>; a longer server wait ends the retries (<see cref="AcsRetryPolicy"/>). The defaults are
/// those of <see cref="AcsCallAutomationClientOptions"/>. An answer runs inside the IncomingCall webhook, so keep the sum
/// of the waits well under Event Grid's 30 s.
/// </summary>
public sealed class AcsRetryOptions
{
    /// <summary>Retries after the first try (0–10).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first computed delay (0–10 s), doubled on each retry (with Azure.Core's jitter).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest computed delay (at least <see cref="Delay"/>, at most 1 minute).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The longest a single try may take (1 s–100 s).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest server-asked wait (<c>Retry-After</c>, <c>retry-after-ms</c>) that is waited out (0–1 minute).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the settings; returns the first problem, or null when they are usable.</summary>
    public string? Validate() =>
        MaxRetries is < 0 or > 10 ? "Acs:Retry:MaxRetries must be between 0 and 10."
        : Delay < TimeSpan.Zero || Delay > TimeSpan.FromSeconds(10) ? "Acs:Retry:Delay must be between 0 and 10 s."
        : MaxDelay < Delay || MaxDelay > TimeSpan.FromMinutes(1) ? "Acs:Retry:MaxDelay must be at least Acs:Retry:Delay and at most 1 minute."
        : NetworkTimeout < TimeSpan.FromSeconds(1) || NetworkTimeout > TimeSpan.FromSeconds(100) ? "Acs:Retry:NetworkTimeout must be between 1 s and 100 s."
        : MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromMinutes(1) ? "Acs:Retry:MaxRetryAfter must be between 0 and 1 minute."
        : null;

    /// <summary>The client's pipeline options with these retry settings.</summary>
    public AcsCallAutomationClientOptions ToClientOptions()
    {
        var options = new AcsCallAutomationClientOptions { MaxRetryAfter = MaxRetryAfter };
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = Delay;
        options.Retry.MaxDelay = MaxDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        return options;
    }
}
