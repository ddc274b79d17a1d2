using DvServerless.Testing;
using DvServerless.Adapters.Acs;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>The services under test wired to fakes.</summary>
public sealed class TestServices
{
    public TestServices(string publicBaseUrl = "https://dvs-func.example.net", string mediaWorkerBaseUrl = "https://dvs-worker.example.net")
    {
        Functions = new FunctionsOptions { PublicBaseUrl = new Uri(publicBaseUrl) };
        MediaWorker = new MediaWorkerOptions { BaseUrl = new Uri(mediaWorkerBaseUrl), TokenLifetime = TimeSpan.FromMinutes(2) };
        Tokens = MediaTokenService.FromConfiguredKey(LocalDefaults.MediaTokenSigningKey, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));

    public InMemoryCallSessionStore Sessions { get; } = new();

    public FakeCallAutomationClient Acs { get; } = new();

    public MediaTokenService Tokens { get; }

    public FunctionsOptions Functions { get; }

    public MediaWorkerOptions MediaWorker { get; }

    public AcsOptions AcsOptions { get; } = new();

    public IncomingCallService IncomingCalls() => new(
        Sessions, Acs, Tokens, Options.Create(Functions), Options.Create(MediaWorker), Options.Create(AcsOptions), Time,
        NullLogger<IncomingCallService>.Instance);

    public CallEventsService CallEvents() => new(Sessions, Time, NullLogger<CallEventsService>.Instance);
}
