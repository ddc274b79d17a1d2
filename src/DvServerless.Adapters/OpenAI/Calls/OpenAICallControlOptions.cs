using System.ComponentModel.DataAnnotations;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// Retry and timeout settings of <see cref="OpenAICallControlClient"/> (configuration section <c>OpenAI:CallControl</c>,
/// e.g. <c>OpenAI__CallControl__MaxAttempts=3</c>); where to connect comes from the Realtime options. Applied by the
/// resilience pipeline of the client's <see cref="System.Net.Http.IHttpClientFactory"/> client.
/// </summary>
public sealed class OpenAICallControlOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OpenAI:CallControl";

    /// <summary>Requests per operation, including the first; 5xx, 429, timeouts and transport failures are retried.</summary>
    [Range(1, 6)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; doubled for each next one (no jitter). A <c>Retry-After</c> overrides it.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a single request may take. A webhook must be answered within seconds, so keep it short.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest <c>Retry-After</c> (on 429 or 5xx) that is waited for. A longer one is honoured by not retrying: the
    /// operation fails with that answer rather than asking again too early or holding the webhook past its deadline.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the settings; returns the first problem, or null when they are usable.</summary>
    public string? Validate() =>
        MaxAttempts is < 1 or > 6 ? "OpenAI:CallControl:MaxAttempts must be between 1 and 6."
        : InitialRetryDelay < TimeSpan.Zero || InitialRetryDelay > TimeSpan.FromSeconds(10) ? "OpenAI:CallControl:InitialRetryDelay must be between 0 and 10 s."
        : RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromMinutes(1) ? "OpenAI:CallControl:RequestTimeout must be positive and at most 1 minute."
        : MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromMinutes(1) ? "OpenAI:CallControl:MaxRetryAfter must be between 0 and 1 minute."
        : null;
}
