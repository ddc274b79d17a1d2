using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Tests.Endpoints;

/// <summary>The real worker on Kestrel, loopback port 0, with a scripted engine and an in-memory record sink.</summary>
internal sealed class MediaWorkerServer : IAsyncDisposable
{
    private MediaWorkerServer(WebApplication app, Uri baseAddress, FakeEngineFactory engines, RecordingCallRecordSink records, InMemoryCallSessionStore sessions,
        CapturingLoggerProvider logs)
    {
        Logs = logs;
        Sessions = sessions;
        App = app;
        BaseAddress = baseAddress;
        Engines = engines;
        Records = records;
    }

    public WebApplication App { get; }

    /// <summary>What the worker logged.</summary>
    public CapturingLoggerProvider Logs { get; }

    public Uri BaseAddress { get; }

    /// <summary>The worker's internal port, where the Functions app's commands arrive.</summary>
    public Uri InternalAddress => App.Services.GetRequiredService<InternalPort>().LocalBaseUrl;

    public FakeEngineFactory Engines { get; }

    public RecordingCallRecordSink Records { get; }

    public InMemoryCallSessionStore Sessions { get; }

    public static async Task<MediaWorkerServer> StartAsync()
    {
        var engines = new FakeEngineFactory();
        var records = new RecordingCallRecordSink();
        var sessions = new InMemoryCallSessionStore();
        var logs = new CapturingLoggerProvider();
        var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            // A named agent a browser session may ask for (expected_engine_id) or an ACS call's number may route to.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:sales:Instructions"] = "You sell things." });
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IConversationEngineFactory>(engines);
            builder.Services.AddSingleton<ICallRecordSink>(records);
            builder.Services.AddSingleton<DvServerless.Core.Calls.ICallSessionStore>(sessions);
            // No Blob storage here: closing a call's record and rendering its minutes would wait out the storage
            // retries at every call end (tested with Azurite in the Records tests instead).
            builder.Services.RemoveAll<DvServerless.MediaWorker.Records.WorkerCallEnd>();
        });
        await app.StartAsync();
        // The public address: the worker also listens on its internal port.
        var internalPorts = app.Services.GetRequiredService<InternalPort>().Ports;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => !internalPorts.Contains(new Uri(a).Port));
        return new MediaWorkerServer(app, new Uri(address), engines, records, sessions, logs);
    }

    public Uri WebSocketUri(string query) => new($"ws://{BaseAddress.Authority}/media/acs?{query}");

    public Uri BrowserSocketUri(string query) => new($"ws://{BaseAddress.Authority}/media/browser?{query}");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    internal sealed class FakeEngineFactory : IConversationEngineFactory
    {
        public List<ScriptedEngine> Created { get; } = [];

        public List<AgentOptions> Agents { get; } = [];

        public IConversationEngine Create(string callId, AgentOptions agent)
        {
            var engine = new ScriptedEngine();
            lock (Created)
            {
                Created.Add(engine);
                Agents.Add(agent);
            }

            return engine;
        }
    }
}
