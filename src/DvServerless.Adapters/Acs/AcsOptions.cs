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
}
