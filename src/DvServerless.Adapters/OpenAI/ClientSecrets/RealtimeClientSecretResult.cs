namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>The outcome of minting an ephemeral key: the secret, or why there is none.</summary>
/// <param name="Secret">The secret; null when minting failed.</param>
/// <param name="StatusCode">The service's HTTP status; null when it did not answer.</param>
/// <param name="Message">The service's error message (truncated) when minting failed.</param>
public sealed record RealtimeClientSecretResult(RealtimeClientSecret? Secret, int? StatusCode, string? Message)
{
    /// <summary>Whether a secret was minted.</summary>
    public bool IsOk => Secret is not null;
}
