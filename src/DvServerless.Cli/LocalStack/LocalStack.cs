using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Records;
using DvServerless.Functions;
using DvServerless.MediaWorker.Hosting;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Azurite;
using DvServerless.Simulators.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.Cli.LocalStack;

/// <summary>
/// The whole local system in one process: Azurite (a child process), the Functions app and the media worker (their
/// real pipelines, on loopback ports), the ACS simulator and — unless a real OpenAI / Azure OpenAI engine is configured —
/// the Realtime simulator. Each run uses fresh ports and a fresh media-token key.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A stack of services, as in \"local stack\"; not a LIFO collection.")]
public sealed partial class LocalStack : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private LocalStack()
    {
    }

    /// <summary>The Functions app's base URL.</summary>
    public required Uri FunctionsBaseUrl { get; init; }

    /// <summary>The media worker's base URL.</summary>
    public required Uri MediaWorkerBaseUrl { get; init; }

    /// <summary>The ACS simulator.</summary>
    public required AcsSimulator Acs { get; init; }

    /// <summary>The stack's Azurite (fault tests suspend and resume its Blob service).</summary>
    public required AzuriteProcess Storage { get; init; }

    /// <summary>The Realtime simulator, or null when a real engine is configured.</summary>
    public RealtimeSimulator? Realtime { get; init; }

    /// <summary>The session store the Functions app writes.</summary>
    public required ICallSessionStore Sessions { get; init; }

    /// <summary>The call records the worker writes.</summary>
    public required ICallRecordSink Records { get; init; }

    /// <summary>The admin API key of this run's tenant API (<c>X-Api-Key</c>); fresh per run.</summary>
    public required string AdminApiKey { get; init; }

    /// <summary>
    /// The tenant made for this run when <see cref="LocalStackOptions.CreateTenant"/> was set (id
    /// <see cref="LocalStackOptions.LocalTenantId"/>), else null.
    /// </summary>
    public string? TenantId { get; init; }

    /// <summary>The API key of <see cref="TenantId"/>, fresh per run; null without a tenant.</summary>
    public string? TenantApiKey { get; init; }

    /// <summary>The console page the worker serves (it calls the Functions app, which allows the worker's origin).</summary>
    public Uri ConsoleUrl => new(MediaWorkerBaseUrl, "/console");

    /// <summary>
    /// The worker's internal port (<c>MediaWorker:InternalUrls</c>): <c>/metrics</c>, and the stand-in for Azure SignalR's
    /// REST API that the Functions app sends its live events to.
    /// </summary>
    public required Uri MediaWorkerInternalUrl { get; init; }

    /// <summary>Every media worker's public URL, the first being <see cref="MediaWorkerBaseUrl"/> (<see cref="LocalStackOptions.Workers"/>).</summary>
    public required IReadOnlyList<Uri> MediaWorkerBaseUrls { get; init; }

    /// <summary>The worker's Prometheus metrics, on its internal port.</summary>
    public Uri MetricsUrl => new(MediaWorkerInternalUrl, "/metrics");

    /// <summary>The Functions app's services (for tests that look inside it).</summary>
    public required IServiceProvider FunctionsServices { get; init; }

    /// <summary>The media worker's services (for tests that look inside it); not there when the worker runs as its own process.</summary>
    public IServiceProvider MediaWorkerServices => WorkerServices ?? throw new InvalidOperationException(
        "The media worker runs as its own process (LocalStackOptions.MediaWorkerLauncher); its services are not in this one.");

    private IServiceProvider? WorkerServices { get; init; }

    /// <summary>A human description of the engine in use.</summary>
    public required string EngineDescription { get; init; }

    /// <summary>The incoming-call webhook URL Event Grid would call.</summary>
    public Uri IncomingCallUrl => new(FunctionsBaseUrl, "/api/acs/incoming-call");

    /// <summary>The OpenAI project webhook URL (function <c>SipIncoming</c>) the Realtime simulator posts SIP calls to.</summary>
    public Uri SipWebhookUrl => new(FunctionsBaseUrl, "/api/openai/sip");

    /// <summary>Starts everything; <paramref name="progress"/> hears what is starting.</summary>
    public static async Task<LocalStack> StartAsync(LocalStackOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        var owned = new List<IAsyncDisposable>();
        try
        {
            progress("starting Azurite (Blob storage)");
            var azurite = await AzuriteProcess.StartAsync(0, options.ToolsSearchRoot, cancellationToken).ConfigureAwait(false);
            owned.Add(azurite);

            RealtimeSimulator? realtime = null;
            string? realtimeKey = null;
            if (!options.UsesRealEngine)
            {
                progress("starting the Realtime simulator (no OPENAI_API_KEY or Azure OpenAI settings)");
                var simulatorOptions = new RealtimeSimulatorOptions
                {
                    CallerTranscripts = options.CallerTranscripts,
                    ConnectionDrop = options.RealtimeConnectionDrop,
                    RecordAudioAppends = options.RecordSimulatorAudioAppends,
                };
                if (options.AgentReply is not null)
                {
                    simulatorOptions.AgentReply = options.AgentReply;
                }

                realtime = await RealtimeSimulator.StartAsync(simulatorOptions, cancellationToken).ConfigureAwait(false);
                realtimeKey = simulatorOptions.ApiKey;
                owned.Add(realtime);
            }

            progress("starting the ACS simulator");
            var acs = await AcsSimulator.StartAsync(new AcsSimulatorOptions(), cancellationToken).ConfigureAwait(false);
            owned.Add(acs);

            // The keys of this run: media tokens, API tokens, and the stand-in for Azure SignalR's REST API on the
            // worker's internal port.
            var shared = new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["MediaWorker:TokenSigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                // The Functions app issues API tokens; the worker's live hub accepts them from dashboards.
                ["Tenants:Tokens:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            };
            var liveRestKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

            // The cached greeting the caller hears the moment media connects (Agent__Greeting="Hello, thanks for calling.").
            // Off by default here: the built-in demo caller talks from the first millisecond and would cut it at once.
            shared["Agent:Greeting"] = options.Greeting ?? Environment.GetEnvironmentVariable("Agent__Greeting") ?? string.Empty;
            if (realtime is not null)
            {
                shared["OpenAI:BaseUrl"] = realtime.BaseUrl.ToString().TrimEnd('/');
                shared["OpenAI:ApiKey"] = realtimeKey;
                shared["OpenAI:WebhookSecret"] = DvServerless.Simulators.Realtime.Sip.SipSimulatorDefaults.WebhookSecret;
            }

            string? tenantApiKey = null;
            if (options.CreateTenant)
            {
                tenantApiKey = DvServerless.Core.Tenants.ApiKeyHasher.GenerateKey();
                shared["Tenants:Items:0:Id"] = LocalStackOptions.LocalTenantId;
                shared["Tenants:Items:0:ApiKeyHash"] = DvServerless.Core.Tenants.ApiKeyHasher.Hash(tenantApiKey);
                shared["Tenants:Items:0:PhoneNumbers:0"] = LocalStackOptions.LocalTenantPhoneNumber;
            }

            // Tenants: a fresh admin key (the tenant API is closed without one).
            var adminApiKey = DvServerless.Core.Tenants.ApiKeyHasher.GenerateKey();
            var keys = new AppKeys(liveRestKey, adminApiKey);
            var choosePort = options.PortChooser ?? LoopbackPort.Probe;
            var apps = await PortConflict.RetryAsync(
                token => StartAppsAsync(options, shared, keys, acs, choosePort, progress, token),
                (attempt, error) => progress($"a port was taken ({error.Message}); starting the apps again on other ports ({attempt + 1} of {PortConflict.MaxAttempts})"),
                cancellationToken).ConfigureAwait(false);
            owned.AddRange(apps.Owned);
            var (functions, worker) = (apps.Functions, apps.Worker);

            // The engine is described from the worker's resolved settings; a worker process resolves them the same way.
            var engineOptions = worker?.Services.GetService<Microsoft.Extensions.Options.IOptions<DvServerless.Adapters.Engines.Realtime.RealtimeEngineOptions>>()?.Value;
            // A launched worker's agent comes from the settings it was given (its Agent section, as the worker binds it).
            var agent = worker?.Services.GetRequiredService<DvServerless.Core.Engines.AgentOptions>()
                ?? new ConfigurationBuilder().AddInMemoryCollection(options.AppSettings).Build().GetSection("Agent").Get<DvServerless.Core.Engines.AgentOptions>()
                ?? new DvServerless.Core.Engines.AgentOptions();
            var stack = new LocalStack
            {
                FunctionsBaseUrl = apps.FunctionsUrl,
                MediaWorkerBaseUrl = apps.WorkerUrls[0],
                MediaWorkerInternalUrl = apps.WorkerInternalUrls[0],
                MediaWorkerBaseUrls = apps.WorkerUrls,
                FunctionsServices = functions.Services,
                WorkerServices = worker?.Services,
                Acs = acs,
                Storage = azurite,
                Realtime = realtime,
                Sessions = functions.Services.GetRequiredService<ICallSessionStore>(),
                // The same Blob container either way; the Functions app reads it for the minutes.
                Records = (worker?.Services ?? functions.Services).GetRequiredService<ICallRecordSink>(),
                AdminApiKey = adminApiKey,
                TenantId = tenantApiKey is null ? null : LocalStackOptions.LocalTenantId,
                TenantApiKey = tenantApiKey,
                EngineDescription = !string.Equals(agent.Engine, DvServerless.Core.Engines.EngineKinds.Realtime, StringComparison.OrdinalIgnoreCase)
                    ? DescribeCascaded(agent)
                    : engineOptions?.DescribeEngine(agent.Model) ?? (realtime is null ? "OpenAI Realtime" : $"Realtime simulator at {realtime.BaseUrl}"),
            };
            stack._owned.AddRange(owned);
            return stack;
        }
        catch
        {
            await DisposeAllAsync(owned).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops everything, newest first.</summary>
    public ValueTask DisposeAsync() => DisposeAllAsync(_owned);

    private static void Configure(WebApplicationBuilder builder, Dictionary<string, string?> settings, bool verbose, ILoggerProvider? logSink)
    {
        builder.Configuration.AddInMemoryCollection(settings);
        // dvs owns the process and its signals: the apps it hosts are stopped by it, not by Ctrl+C or SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, OwnedHostLifetime>();
        if (!verbose)
        {
            // The CLI owns the console; the apps' logs would garble the progress display.
            builder.Logging.ClearProviders();
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        }

        if (logSink is not null)
        {
            builder.Logging.AddProvider(logSink);
        }
    }

    private static async ValueTask DisposeAllAsync(List<IAsyncDisposable> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            try
            {
                if (owned[i] is WebApplication app)
                {
                    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await app.StopAsync(stop.Token).ConfigureAwait(false);
                }

                await owned[i].DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best effort: shutting down must not hide the call's own result.
            }
        }

        owned.Clear();
    }

    /// <summary>A cascaded or offline agent as the CLI shows it: its engine and its three parts.</summary>
    private static string DescribeCascaded(DvServerless.Core.Engines.AgentOptions agent) =>
        string.Equals(agent.Engine, DvServerless.Core.Engines.EngineKinds.Offline, StringComparison.OrdinalIgnoreCase)
            ? "offline (pocketsphinx → rule-based responder → espeak-ng; no key, no network)"
            : $"cascaded ({agent.Cascaded.Stt} → {agent.Cascaded.Llm}/{agent.Cascaded.LlmModel} → {agent.Cascaded.Tts})";
}
