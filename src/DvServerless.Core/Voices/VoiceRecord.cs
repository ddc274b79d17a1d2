namespace DvServerless.Core.Voices;

/// <summary>A voice in a tenant's library: a stored sample, the consent record, and the provider clone when there is one.</summary>
public sealed record VoiceRecord
{
    /// <summary>The library id (what the API and the TTS paths use).</summary>
    public required string Id { get; init; }

    /// <summary>The owning tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The display name.</summary>
    public required string Name { get; init; }

    /// <summary>An optional description.</summary>
    public string? Description { get; init; }

    /// <summary>The provider that holds the clone (<c>elevenlabs</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's voice id, null while <see cref="VoiceStatus.Pending"/>.</summary>
    public string? ProviderVoiceId { get; init; }

    /// <summary>Ready or pending.</summary>
    public VoiceStatus Status { get; init; }

    /// <summary>Why the voice is pending.</summary>
    public string? PendingReason { get; init; }

    /// <summary>Who agreed to the cloning, and when.</summary>
    public required VoiceConsent Consent { get; init; }

    /// <summary>The blob name of the stored sample.</summary>
    public required string SampleBlob { get; init; }

    /// <summary>The sample's container format.</summary>
    public AudioFileKind SampleKind { get; init; }

    /// <summary>When the voice was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
