using System.ComponentModel.DataAnnotations;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>Retry and timeout settings of <see cref="OpenAICallControlClient"/> (where to connect comes from the Realtime options).</summary>
public sealed class OpenAICallControlOptions
{
    /// <summary>Requests per operation, including the first; 5xx, 429 and transport failures are retried.</summary>
    [Range(1, 6)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; doubled for each next one.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a single request may take. A webhook must be answered within seconds, so keep it short.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the settings; returns the first problem, or null when they are usable.</summary>
    public string? Validate() =>
        MaxAttempts is < 1 or > 6 ? "MaxAttempts must be between 1 and 6."
        : InitialRetryDelay < TimeSpan.Zero || InitialRetryDelay > TimeSpan.FromSeconds(10) ? "InitialRetryDelay must be between 0 and 10 s."
        : RequestTimeout <= TimeSpan.Zero ? "RequestTimeout must be positive."
        : null;
}
