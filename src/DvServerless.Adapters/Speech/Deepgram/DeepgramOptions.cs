namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>Deepgram streaming speech-to-text settings (configuration section <c>Deepgram</c>).</summary>
public sealed class DeepgramOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Deepgram";

    /// <summary>The API key, sent as <c>Authorization: Token {key}</c> (from Key Vault or user secrets, never in code).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API base address; <c>/v1/listen</c> is appended and http(s) becomes ws(s) (tests and proxies).</summary>
    public Uri BaseUrl { get; set; } = new("wss://api.deepgram.com");

    /// <summary>The model when a recognition names none.</summary>
    public string Model { get; set; } = "nova-3";

    /// <summary>
    /// How long without audio before a <c>KeepAlive</c> is sent. Deepgram closes a stream that gets neither audio nor
    /// KeepAlive for 10 s (error NET-0001) and advises one every 3–5 s.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long <c>StartAsync</c> waits for the WebSocket handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a key is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
