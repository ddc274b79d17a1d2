namespace DvServerless.Core.Tenants;

/// <summary>
/// One tenant as the gateway knows it at run time. Holds only the hash of its gateway API key, never that key; the
/// secrets of its own OpenAI project (needed to verify and to call) are kept as given.
/// </summary>
public sealed class TenantDefinition
{
    /// <summary>The tenant id (<see cref="TenantIds.IsValid"/>): letters, digits, <c>-</c> and <c>_</c>, at most 64.</summary>
    public required string Id { get; init; }

    /// <summary>The <see cref="ApiKeyHasher"/> hash of the tenant's API key (64 lowercase hex characters).</summary>
    public required string ApiKeyHash { get; init; }

    /// <summary>How many calls the tenant may have at once; null means no limit.</summary>
    public int? MaxConcurrentCalls { get; init; }

    /// <summary>Called numbers (E.164, e.g. <c>+14255550123</c>) that route incoming calls to this tenant.</summary>
    public IReadOnlyList<string> PhoneNumbers { get; init; } = [];

    /// <summary>Called SIP URIs (e.g. <c>sip:support@acme.example</c>) that route incoming calls to this tenant.</summary>
    public IReadOnlyList<string> SipUris { get; init; } = [];

    /// <summary>The signing secret of the tenant's own OpenAI project webhook; null when it has none. Never logged.</summary>
    public string? OpenAIWebhookSecret { get; init; }

    /// <summary>The API key of the tenant's own OpenAI project; null to use the gateway's. Never logged.</summary>
    public string? OpenAIApiKey { get; init; }
}
