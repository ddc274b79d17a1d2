using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using DvServerless.Adapters.Live;
using DvServerless.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Tests.Live;

public sealed class AzureSignalRLiveEventPublisherTests : IAsyncLifetime
{
    private const string AccessKey = "live-test-access-key-0123456789abcdefghij=";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private SignalRRestStub _stub = null!;

    public async Task InitializeAsync() => _stub = await SignalRRestStub.StartAsync();

    public async Task DisposeAsync()
    {
        await _stub.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Fact]
    public async Task A_tenant_event_is_sent_to_the_tenant_group_and_the_admin_group_with_an_access_key_token_the_service_accepts()
    {
        await using var publisher = await StartAsync(new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(AccessKey), _time));

        Assert.True(publisher.Publish(Event("tenant-a")));
        var sends = await _stub.WaitForSendsAsync(2);

        Assert.Equal(["tenant-tenant-a", "admin"], sends.Select(s => s.Group));
        foreach (var send in sends)
        {
            Assert.Equal("live", send.Hub);
            Assert.Equal("2022-06-01", send.ApiVersion);
            Assert.StartsWith("application/json", send.ContentType, StringComparison.Ordinal);
            Assert.EndsWith($"/api/hubs/live/groups/{send.Group}/:send?api-version=2022-06-01", send.Url, StringComparison.Ordinal);

            // The token: HS256 signed with the key's UTF-8 bytes, aud = the URL the request went to (with its query, as
            // the Management SDK sends it), exp about an hour ahead of the publisher's clock.
            Assert.StartsWith("Bearer ", send.Authorization, StringComparison.Ordinal);
            var validation = await new JsonWebTokenHandler().ValidateTokenAsync(send.Authorization["Bearer ".Length..], new TokenValidationParameters
            {
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AccessKey)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ValidateIssuer = false,
                ValidAudience = send.Url,
                ValidateLifetime = false,
            });
            Assert.True(validation.IsValid, validation.Exception?.Message);
            var jwt = (JsonWebToken)validation.SecurityToken;
            Assert.Equal(_time.GetUtcNow().AddHours(1).UtcDateTime, jwt.ValidTo);

            // The body: target = the event type, one argument = the event, camelCase, nulls left out.
            using var body = JsonDocument.Parse(send.Body);
            Assert.Equal("call:new", body.RootElement.GetProperty("target").GetString());
            var argument = Assert.Single(body.RootElement.GetProperty("arguments").EnumerateArray());
            Assert.Equal("call-1", argument.GetProperty("callId").GetString());
            Assert.Equal("tenant-a", argument.GetProperty("tenantId").GetString());
            Assert.Equal("acs", argument.GetProperty("channel").GetString());
            Assert.Equal("4:+*******0123", argument.GetProperty("from").GetString());
            Assert.False(argument.TryGetProperty("text", out _));
            Assert.False(argument.TryGetProperty("costUsd", out _));
        }

        Assert.Equal(2, publisher.Sent);
    }

    [Fact]
    public async Task An_event_without_a_tenant_goes_to_the_admin_group_only()
    {
        await using var publisher = await StartAsync(new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(AccessKey), _time));

        publisher.Publish(Event(null));
        publisher.Publish(Event(null) with { Type = LiveEventTypes.CallEnded, State = "Call disconnected." });
        var sends = await _stub.WaitForSendsAsync(2);

        Assert.Equal(["admin", "admin"], sends.Select(s => s.Group));
        Assert.Contains("\"target\":\"call:ended\"", sends[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_managed_identity_the_entra_token_for_the_signalr_scope_is_the_bearer_and_is_reused_until_near_expiry()
    {
        var credential = new FakeTokenCredential(_time);
        await using var publisher = await StartAsync(new AzureSignalREntraTokenSource(credential, _time));

        publisher.Publish(Event("tenant-a"));
        await _stub.WaitForSendsAsync(2);
        _time.Advance(TimeSpan.FromMinutes(56));
        publisher.Publish(Event("tenant-a"));
        var sends = await _stub.WaitForSendsAsync(4);

        Assert.Equal(["https://signalr.azure.com/.default"], credential.Scopes.Distinct());
        // One token for the first three sends (cached by the credential's expiry), a new one once it is 4 minutes from it.
        Assert.Equal(2, credential.Scopes.Count);
        Assert.Equal(["Bearer entra-token-1", "Bearer entra-token-1", "Bearer entra-token-2", "Bearer entra-token-2"], sends.Select(s => s.Authorization));
    }

    [Fact]
    public async Task A_refused_send_is_dropped_and_counted_and_the_next_event_still_goes()
    {
        await using var publisher = await StartAsync(new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(AccessKey), _time));
        _stub.Status = HttpStatusCode.Unauthorized;

        publisher.Publish(Event(null));
        await _stub.WaitForSendsAsync(1);
        _stub.Status = HttpStatusCode.Accepted;
        publisher.Publish(Event(null));
        await _stub.WaitForSendsAsync(2);
        for (var i = 0; i < 500 && publisher.Sent < 1; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, publisher.Dropped);
        Assert.Equal(1, publisher.Sent);
    }

    [Fact]
    public void Publish_never_waits_a_full_queue_drops_the_event_and_counts_it()
    {
        // Not started: nothing drains the queue of two.
        using var publisher = new AzureSignalRLiveEventPublisher(Client(new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(AccessKey), _time)),
            _time, NullLogger<AzureSignalRLiveEventPublisher>.Instance, capacity: 2);

        Assert.True(publisher.Publish(Event("tenant-a")));
        Assert.True(publisher.Publish(Event("tenant-a")));
        Assert.False(publisher.Publish(Event("tenant-a")));
        Assert.False(publisher.Publish(Event("tenant-a")));

        Assert.Equal(2, publisher.Dropped);
    }

    private async Task<RunningPublisher> StartAsync(IAzureSignalRTokenSource tokens)
    {
        var publisher = new AzureSignalRLiveEventPublisher(Client(tokens), _time, NullLogger<AzureSignalRLiveEventPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        return new RunningPublisher(publisher);
    }

    private AzureSignalRRestClient Client(IAzureSignalRTokenSource tokens) =>
        new(_stub.Endpoint, tokens, _http.GetRequiredService<IHttpClientFactory>());

    private LiveEvent Event(string? tenantId) => new()
    {
        Type = LiveEventTypes.CallNew,
        CallId = "call-1",
        TenantId = tenantId,
        At = _time.GetUtcNow(),
        Channel = "acs",
        From = "4:+*******0123",
    };

    private sealed class RunningPublisher(AzureSignalRLiveEventPublisher publisher) : IAsyncDisposable
    {
        public long Sent => publisher.Sent;

        public long Dropped => publisher.Dropped;

        public bool Publish(LiveEvent liveEvent) => publisher.Publish(liveEvent);

        public async ValueTask DisposeAsync()
        {
            await publisher.StopAsync(CancellationToken.None);
            publisher.Dispose();
        }
    }

    private sealed class FakeTokenCredential(TimeProvider time) : TokenCredential
    {
        private int _issued;

        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
                _issued++;
                return ValueTask.FromResult(new AccessToken($"entra-token-{_issued}", time.GetUtcNow().AddHours(1)));
            }
        }
    }
}
