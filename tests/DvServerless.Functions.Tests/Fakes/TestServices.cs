using DvServerless.Testing;
using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tenants;
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

    /// <summary>
    /// The incoming-call service on <see cref="Sessions"/>, or on <paramref name="sessions"/> (a wrapper of it), admitting
    /// every call unless <paramref name="admission"/> says otherwise.
    /// </summary>
    public IncomingCallService IncomingCalls(ICallSessionStore? sessions = null, ICallAdmissionPolicy? admission = null) => new(
        sessions ?? Sessions, Acs, Tokens, Options.Create(Functions), Options.Create(MediaWorker), Options.Create(AcsOptions), Time,
        NullLogger<IncomingCallService>.Instance, admission);

    public CallEventsService CallEvents() => new(Sessions, Time, NullLogger<CallEventsService>.Instance);
}
