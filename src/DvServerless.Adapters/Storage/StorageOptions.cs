namespace DvServerless.Adapters.Storage;

/// <summary>
/// Where the Blob stores live (configuration section <c>Storage</c>). Set <see cref="ConnectionString"/> for a key or
/// SAS connection string, or <see cref="BlobServiceUri"/> to use Entra ID (DefaultAzureCredential, honouring
/// <c>AZURE_CLIENT_ID</c> for a user-assigned managed identity). With neither, Azurite's development storage is used.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary>A storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite). Wins over <see cref="BlobServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Blob service endpoint, e.g. <c>https://account.blob.core.windows.net</c>, reached with Entra ID.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// The Queue service endpoint, e.g. <c>https://account.queue.core.windows.net</c>, reached with Entra ID: the worker
    /// replicas' command queues. Unset, it is the Blob endpoint with <c>.blob.</c> changed to <c>.queue.</c>.
    /// </summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>The container of call session documents.</summary>
    public string SessionsContainer { get; set; } = "sessions";

    /// <summary>The container of call records (transcripts), one append blob per call.</summary>
    public string TranscriptsContainer { get; set; } = "transcripts";

    /// <summary>
    /// How long one storage request may take before it is abandoned (and retried, up to <see cref="MaxRetries"/>); 0.5–60 s.
    /// The SDK's default of 100 s suits large uploads; the apps write small documents on a webhook's path, where a stalled
    /// storage account must turn into a quick 503, not a caller left waiting.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many times a failed storage request is retried (0–5). Few, and with short delays: a request path that retried
    /// for half a minute (the SDK's defaults) left webhooks hanging ~27 s before a bare 500.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first delay between retries (doubled each time, with jitter); 0–5 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest computed delay between retries (a <c>Retry-After</c> from storage itself still wins); 0–10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The seconds an HTTP client is told to wait (<c>Retry-After</c> of the 503) while storage cannot be reached; 1–300.
    /// </summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
