using System.Net;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.Live;
using DvServerless.Core.Calls;
using DvServerless.Core.Live;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Live;
using DvServerless.Functions.Tests.Endpoints;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DvServerless.Functions.Tests.Live;

/// <summary>What the dashboards see of a call the Functions app handles: the events its session changes publish.</summary>
public sealed class FunctionsLiveEventsTests
{
    private const string CallId = IncomingCallSamples.CorrelationId;

    [Fact]
    public async Task An_incoming_call_that_connects_and_hangs_up_publishes_new_state_changes_and_ended_for_its_tenant_with_masked_parties()
    {
        var services = new TestServices();
        var events = new RecordingLiveEventPublisher();
        await using var app = await StartAsync(services, events, tenants: true);
        using var client = app.GetTestClient();

        await PostOkAsync(client, "/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification");
        await PostOkAsync(client, $"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallConnected("conn-1"));
        services.Time.Advance(TimeSpan.FromSeconds(42));
        await PostOkAsync(client, $"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallDisconnected("conn-1"));

        var published = events.Events;
        Assert.Equal(
            [
                (LiveEventTypes.CallNew, null),
                (LiveEventTypes.CallState, "Answering"),
                (LiveEventTypes.CallState, "Connected"),
                (LiveEventTypes.CallState, "Ended"),
                (LiveEventTypes.CallEnded, "This conversation has ended."),
            ],
            published.Select(e => (e.Type, e.State)));
        Assert.All(published, e =>
        {
            Assert.Equal(CallId, e.CallId);
            Assert.Equal("acme", e.TenantId);
            Assert.Equal("acs", e.Channel);
        });

        var arrived = published[0];
        Assert.Equal("4:+*******0123", arrived.From);
        Assert.Equal("4:+*******0199", arrived.To);
        Assert.Equal(42_000, published[^1].DurationMs);
        // No raw number anywhere in what a dashboard receives.
        var wire = System.Text.Encoding.UTF8.GetString(LiveEventJson.SendBody(arrived));
        Assert.DoesNotContain("4255550123", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("8005550199", wire, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redelivered_webhooks_publish_nothing_more()
    {
        var services = new TestServices();
        var events = new RecordingLiveEventPublisher();
        await using var app = await StartAsync(services, events, tenants: false);
        using var client = app.GetTestClient();
        await PostOkAsync(client, "/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification");
        await PostOkAsync(client, $"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallConnected("conn-1"));
        var before = events.Events.Count;

        await PostOkAsync(client, "/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification");
        await PostOkAsync(client, $"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallConnected("conn-1"));

        Assert.Equal(3, before);
        Assert.Equal(before, events.Events.Count);
        // Without tenants, events carry no tenant (they go to the admin group only).
        Assert.All(events.Events, e => Assert.Null(e.TenantId));
    }

    [Fact]
    public async Task A_failed_answer_publishes_failed_and_ended_with_the_reason()
    {
        var services = new TestServices();
        services.Acs.AnswerFailure = new InvalidOperationException("ACS said no");
        var events = new RecordingLiveEventPublisher();
        await using var app = await StartAsync(services, events, tenants: false);
        using var client = app.GetTestClient();

        using var response = await client.SendAsync(IncomingCallEndpointTests.Post("/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(
            [
                (LiveEventTypes.CallNew, null),
                (LiveEventTypes.CallState, "Answering"),
                (LiveEventTypes.CallState, "Failed"),
                (LiveEventTypes.CallEnded, "Answer failed: ACS said no"),
            ],
            events.Events.Select(e => (e.Type, e.State)));
        Assert.Null(events.Events[^1].DurationMs);
    }

    [Fact]
    public void Without_a_connection_string_events_are_discarded_and_with_one_they_go_to_the_rest_publisher()
    {
        using var without = Provider(null);
        Assert.Same(DiscardingLiveEventPublisher.Instance, without.GetRequiredService<ILiveEventPublisher>());

        using var with = Provider("Endpoint=http://127.0.0.1:7074;AccessKey=local-access-key-0123456789abcdefghij;Version=1.0;");
        var publisher = Assert.IsType<AzureSignalRLiveEventPublisher>(with.GetRequiredService<ILiveEventPublisher>());
        Assert.Equal(new Uri("http://127.0.0.1:7074"), publisher.Endpoint);
        Assert.Single(with.GetServices<IHostedService>().OfType<LiveEventPublisherHostedService>());
    }

    [Fact]
    public void A_malformed_connection_string_fails_start_up_naming_the_setting()
    {
        using var provider = Provider("Endpoint=https://dvs.service.signalr.net;AuthType=azure.msi;ClientId=nope");

        // The hosted services are built when the host starts.
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetServices<IHostedService>().ToList());

        Assert.Contains("Azure:SignalR:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(string? connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Azure:SignalR:ConnectionString"] = connectionString })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLiveEvents();
        return services.BuildServiceProvider();
    }

    private static async Task<WebApplication> StartAsync(TestServices services, RecordingLiveEventPublisher events, bool tenants)
    {
        var settings = new Dictionary<string, string?>();
        if (tenants)
        {
            settings["Tenants:Items:0:Id"] = "acme";
            settings["Tenants:Items:0:ApiKey"] = "dvs_acme-key-0123456789abcdef";
            settings["Tenants:Items:0:PhoneNumbers:0"] = "+18005550199";
        }

        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.RemoveAll<ICallSessionStore>();
            builder.Services.AddSingleton<ICallSessionStore>(services.Sessions);
            builder.Services.RemoveAll<ICallAutomationClient>();
            builder.Services.AddSingleton<ICallAutomationClient>(services.Acs);
            builder.Services.RemoveAll<IActiveCallCounter>();
            builder.Services.AddSingleton<IActiveCallCounter>(new NoActiveCalls());
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(services.Time);
            builder.Services.RemoveAll<ILiveEventPublisher>();
            builder.Services.AddSingleton<ILiveEventPublisher>(events);
        });
        await app.StartAsync();
        return app;
    }

    private static async Task PostOkAsync(HttpClient client, string path, string body, string? eventType = null)
    {
        using var response = await client.SendAsync(IncomingCallEndpointTests.Post(path, body, eventType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed class NoActiveCalls : IActiveCallCounter
    {
        public ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public void Reserve(string tenantId, string callId)
        {
        }
    }
}
