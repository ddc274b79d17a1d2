namespace DvServerless.Cli.LocalStack;

/// <summary>How <see cref="LocalStack"/> starts the local system.</summary>
public sealed record LocalStackOptions
{
    /// <summary>
    /// The caller transcripts the Realtime simulator reports, in utterance order (it cannot hear; this is its
    /// "speech recognition" table).
    /// </summary>
    public IReadOnlyList<string> CallerTranscripts { get; init; } = [];

    /// <summary>What the simulated agent answers to turn N given the caller's words; null = the simulator's default.</summary>
    public Func<int, string, string>? AgentReply { get; init; }

    /// <summary>Drops the Realtime simulator's sessions on purpose (network-fault injection); null never drops.</summary>
    public DvServerless.Simulators.Realtime.RealtimeConnectionDrop? RealtimeConnectionDrop { get; init; }

    /// <summary>
    /// The cached greeting played the moment media connects; null takes <c>Agent__Greeting</c> from the environment,
    /// empty turns it off.
    /// </summary>
    public string? Greeting { get; init; }

    /// <summary>The id of the tenant made when <see cref="CreateTenant"/> is set.</summary>
    public const string LocalTenantId = "local";

    /// <summary>
    /// The phone number of <see cref="LocalTenantId"/>: the one the ACS simulator's callers dial by default
    /// (<c>SimulatedCallRequest.To</c>), so a simulated phone call is the tenant's and shows on its dashboard.
    /// </summary>
    public const string LocalTenantPhoneNumber = "+14255550100";

    /// <summary>
    /// Make a tenant <see cref="LocalTenantId"/> with a fresh API key (besides the admin key), as <c>dvs up</c> does for the
    /// console, owning <see cref="LocalTenantPhoneNumber"/>. Off by default: with a tenant configured, calls that match no tenant fall under the unrouted-call limit.
    /// </summary>
    public bool CreateTenant { get; init; }

    /// <summary>Another folder to look for <c>node_modules/.bin/azurite-blob</c> above (besides the working and app folders).</summary>
    public string? ToolsSearchRoot { get; init; }

    /// <summary>Let the apps log to the console (otherwise only the CLI's own output is shown).</summary>
    public bool Verbose { get; init; }

    /// <summary>Another log destination for both apps (e.g. a capture in tests), besides or instead of the console.</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LogSink { get; init; }

    /// <summary>The ACS media format asked for when answering: <c>pcm24KMono</c> or <c>pcm16KMono</c>.</summary>
    public string AcsAudioFormat { get; init; } = "pcm24KMono";

    /// <summary>Extra settings given to both apps, after the stack's own (e.g. <c>Sip:Rules:0:Header</c>, <c>Sip:TransferTarget</c>).</summary>
    public IReadOnlyDictionary<string, string?> AppSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Starts the media worker as its own process (a test that kills or stops it, as a platform would); the returned
    /// handle stops it. Null runs the worker inside the stack's process.
    /// </summary>
    public Func<MediaWorkerLaunch, CancellationToken, Task<IAsyncDisposable>>? MediaWorkerLauncher { get; init; }

    /// <summary>
    /// Keep the Realtime simulator's record of every caller audio append (the default, for tests that inspect them); off
    /// for long load runs, where those records alone would grow by about 0.4 MB a second at 50 calls.
    /// </summary>
    public bool RecordSimulatorAudioAppends { get; init; } = true;

    /// <summary>
    /// How many media workers to start (default 1). Each has its own ports and replica (its own command queue); the
    /// Functions app spreads new calls over them (<c>MediaWorker:BaseUrls</c>), as Container Apps spreads them over replicas.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// Where the stack takes the ports it must name before the apps bind them (the Functions app's, the workers' internal
    /// ones, a launched worker's); null probes the system (<see cref="DvServerless.Core.Hosting.LoopbackPort.Probe"/>).
    /// Tests hand out a taken port here to see the stack start again on other ports.
    /// </summary>
    internal Func<int>? PortChooser { get; init; }

    /// <summary>Settings from the environment (e.g. <c>OPENAI_API_KEY</c>, <c>OpenAI__*</c>, <c>AzureOpenAI__*</c>).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = ReadEnvironment();

    private static Dictionary<string, string?> ReadEnvironment()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            values[(string)entry.Key] = entry.Value as string;
        }

        return values;
    }

    /// <summary>
    /// Whether a real engine is configured: <c>OPENAI_API_KEY</c> / <c>OpenAI__ApiKey</c>, or <c>AzureOpenAI__Endpoint</c>.
    /// </summary>
    public bool UsesRealEngine =>
        !string.IsNullOrEmpty(Get("OPENAI_API_KEY")) || !string.IsNullOrEmpty(Get("OpenAI__ApiKey")) || !string.IsNullOrEmpty(Get("AzureOpenAI__Endpoint"));

    private string? Get(string key) => Environment.TryGetValue(key, out var value) ? value : null;
}
