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
    /// The SDK's default of 100 s suits large uploads; the apps write small documents, and a stalled account must not hold
    /// a background write (a call's transcript) for minutes. On an HTTP request's path <see cref="RequestBudget"/> cuts sooner.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The most connections one storage client opens to the account at once (2–1,000): the Blob client and each Queue client
    /// keep to it apart. Requests past it wait for a free one.
    /// A storage try that times out closes its connection and its retry opens another: in a burst of call set-ups on one
    /// Azurite process, unbounded, that churn filled Azurite's accept queue, and new connections then waited for TCP's
    /// retransmissions (1 s, then 3 s) before the server saw them. In Azure the limit keeps the app well within the
    /// Functions Consumption plan's 600 active outbound connections per instance.
    /// </summary>
    public int MaxConnections { get; set; } = 50;

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
    /// How long one storage operation may take, all its tries included, on an HTTP request's path (0.1–30 s): the first
    /// request to meet a stalled or slow account answers 503 after this instead of after <see cref="NetworkTimeout"/> times
    /// every try (~9 s). It leaves room under a second for the rest of the request, the "within a second" webhook senders
    /// and users expect. Work nobody waits on (a call's transcript, the end of a call) keeps the longer timeout and retries.
    /// </summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// How many tries in a row on HTTP request paths may fail (no answer in time, no connection, 408/429/5xx) before
    /// storage is taken as out and later requests answer 503 at once (1–100). More than one, so a single slow answer from
    /// a healthy account does not turn a busy app's requests away.
    /// </summary>
    public int BreakAfterFailures { get; set; } = 3;

    /// <summary>
    /// How long requests answer 503 at once after storage was taken as out, before one request is let through to try it
    /// again (0.1 s–5 min). Short, so that service resumes about this long after storage does.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The seconds an HTTP client is told to wait (<c>Retry-After</c> of the 503) while storage cannot be reached; 1–300.
    /// </summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
