using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Tts;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.Tests.Records;

/// <summary>The real Functions app on a test server over Azurite, tenant <c>acme</c>, a counting summarizer and a fake TTS provider.</summary>
public sealed class RecordsApiHost : IAsyncDisposable
{
    public const string AcmeKey = "dvs_acme-records-key-0123456789abcdef";

    private RecordsApiHost(WebApplication app, CountingSummarizer summarizer, CountingTextToSpeech tts)
    {
        App = app;
        Summarizer = summarizer;
        Tts = tts;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Add("X-Api-Key", AcmeKey);
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public CountingSummarizer Summarizer { get; }

    public CountingTextToSpeech Tts { get; }

    public ICallSessionStore Sessions => App.Services.GetRequiredService<ICallSessionStore>();

    public static async Task<RecordsApiHost> StartAsync(string azurite, IDictionary<string, string?>? extra = null, ILoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite,
            // One emulator serves every test class at once on a loaded 2-core machine: a quiet host there can wait past the
            // 800 ms request budget for an answer that a real account gives in milliseconds, and would answer 503. These
            // tests are about the API; the budget has its own tests (StorageRequestBudgetTests, FunctionsStorageMiddlewareTests).
            ["Storage:RequestBudget"] = "00:00:10",
            ["TENANT_CREDENTIALS"] = $"acme:{AcmeKey}",
            ["Tenants:Tokens:SigningKey"] = "records-api-tests-signing-key-0123456789",
            ["GW_RATE_LIMIT_RPM"] = "100000",
            ["Minutes:WorkerEndGrace"] = "00:00:00",
            ["TtsWarmup:DefaultProvider"] = CountingTextToSpeech.Name,
            ["TtsWarmup:DefaultVoice"] = "test-voice",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var summarizer = new CountingSummarizer();
        var tts = new CountingTextToSpeech();
        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.RemoveAll<ICallAutomationClient>();
            builder.Services.AddSingleton<ICallAutomationClient>(new FakeCallAutomationClient());
            builder.Services.RemoveAll<IMinutesSummarizer>();
            builder.Services.AddSingleton<IMinutesSummarizer>(summarizer);
            builder.Services.AddSingleton<ITextToSpeech>(tts);
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        });
        await app.StartAsync();
        return new RecordsApiHost(app, summarizer, tts);
    }

    /// <summary>Stores a connected ACS session of tenant acme.</summary>
    public async Task<CallSession> SeedSessionAsync(string callId, string? tenantId = "acme", string? conferenceId = null)
    {
        var session = TestSessions.Connected(callId, tenantId, DateTimeOffset.UtcNow);
        if (conferenceId is not null)
        {
            session.Metadata["conferenceId"] = conferenceId;
        }

        Assert.True(await Sessions.TryCreateAsync(session));
        return session;
    }

    public static string NewCallId() => "call-" + Guid.NewGuid().ToString("N")[..16];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Counts summaries; answers with a fixed summary.</summary>
    public sealed class CountingSummarizer : IMinutesSummarizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>How many characters of dialogue the last summary was asked for.</summary>
        public int LastInputChars { get; private set; }

        public Task<MinutesDocument> SummarizeAsync(MinutesDocument document, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            LastInputChars = document.Lines.Sum(l => l.Text.Length);
            return Task.FromResult(document with { Summary = new MinutesSummary("The caller asked about opening hours.", ["Send the opening hours by text."]) });
        }
    }

    /// <summary>A TTS provider that counts syntheses and returns 100 ms of silence per call.</summary>
    public sealed class CountingTextToSpeech : ITextToSpeech
    {
        public const string Name = "fake";

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Provider => Name;

        public string DefaultModel => "fake-1";

        public Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            if (request.Text.Contains("FAIL", StringComparison.Ordinal))
            {
                throw new TextToSpeechException(Name, "The fake provider refuses this text.");
            }

            return Task.FromResult(new byte[request.OutputFormat.SampleRate / 10 * 2]);
        }
    }
}
