namespace DvServerless.Adapters.Acs;

/// <summary>ACS settings, bound from configuration section <c>Acs</c> (<c>Acs__ConnectionString</c>, <c>Acs__Endpoint</c>, …).</summary>
public sealed class AcsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Acs";

    /// <summary><c>endpoint=…;accesskey=…</c>: HMAC authentication. Takes precedence over <see cref="Endpoint"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The resource endpoint for Entra ID authentication (DefaultAzureCredential), used when no connection string is set.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The media streaming audio format: <c>pcm24KMono</c> (default, matches Realtime 24 kHz) or <c>pcm16KMono</c>.</summary>
    public string AudioFormat { get; set; } = "pcm24KMono";

    /// <summary>
    /// Where the agent's <c>transfer</c> tool sends ACS callers: a phone number in E.164 (<c>+14255550123</c>) or an ACS
    /// raw id (<c>8:acs:…</c>). Unset: the agent is not offered transfers on ACS calls.
    /// </summary>
    public string? TransferTarget { get; set; }

    /// <summary>How Call Automation requests are retried on 429, 5xx and transport failures (<c>Acs:Retry:*</c>).</summary>
    public AcsRetryOptions Retry { get; set; } = new();

    /// <summary>Whether <see cref="ConnectionString"/> or <see cref="Endpoint"/> names an ACS resource (else the local simulator's default).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || Endpoint is not null;
}
