namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>The outcome of minting an ephemeral key: the secret, or why there is none.</summary>
/// <param name="Secret">The secret; null when minting failed.</param>
/// <param name="StatusCode">The service's HTTP status; null when it did not answer.</param>
/// <param name="Message">The service's error message (truncated) when minting failed.</param>
/// <param name="RetryAfter">The wait the service's last failed answer asked for (<c>Retry-After</c>), if any.</param>
public sealed record RealtimeClientSecretResult(RealtimeClientSecret? Secret, int? StatusCode, string? Message, TimeSpan? RetryAfter = null)
{
    /// <summary>Whether a secret was minted.</summary>
    public bool IsOk => Secret is not null;

    /// <summary>
    /// Whether minting failed because the service is unavailable for now (no answer, a timeout, 429 or 5xx after the
    /// retries) rather than because it refused the request (another 4xx): asking again later may succeed.
    /// </summary>
    public bool IsTransientFailure => !IsOk && StatusCode is null or 429 or >= 500;
}
