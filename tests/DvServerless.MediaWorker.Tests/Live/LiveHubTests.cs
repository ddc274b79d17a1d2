using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Channels;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Live;
using DvServerless.Core.Tenants;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Live;

/// <summary>
/// The live hub on the real worker (Kestrel on loopback) with the .NET SignalR client: who may connect, and who sees
/// which tenant's events and snapshot.
/// </summary>
public sealed class LiveHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    // One client for the class (static: nothing per instance to dispose); requests name the worker's absolute URL.
    private static readonly HttpClient Http = new();

    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<HubConnection> _connections = [];
    private WebApplication? _app;
    private Uri? _baseAddress;

    private Uri HubUrl => new(_baseAddress!, LiveHub.Path);

    private ILiveEventPublisher Publisher => _app!.Services.GetRequiredService<ILiveEventPublisher>();

    public async Task InitializeAsync() => (_app, _baseAddress) = await StartWorkerAsync(new() { ["Tenants:Tokens:SigningKey"] = _signingKey });

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Negotiate_WithoutAValidToken_Is401()
    {
        var expired = Token(TenantCaller.ForTenant("acme"), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        var otherKey = new TenantTokenService(
            new TenantTokenOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            TimeProvider.System, NullLogger<TenantTokenService>.Instance).Issue(TenantCaller.Admin).Token;

        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(bearer: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(bearer: "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(bearer: expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(bearer: otherKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(bearer: null, query: "access_token=" + Uri.EscapeDataString(expired)));

        // The SignalR client sees the same refusal.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(expired));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Negotiate_WithATenantOrAdminToken_InTheHeaderOrTheQuery_Succeeds()
    {
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(bearer: Token(TenantCaller.ForTenant("acme"))));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(bearer: Token(TenantCaller.Admin)));
        // Browsers' WebSocket and SSE transports can only put it in the query.
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(bearer: null, query: "access_token=" + Uri.EscapeDataString(Token(TenantCaller.ForTenant("acme")))));
    }

    [Fact]
    public async Task ATenantReceivesItsOwnEventsOnly_TheAdminReceivesEveryTenants()
    {
        var acme = await ListenAsync(Token(TenantCaller.ForTenant("acme")));
        var globex = await ListenAsync(Token(TenantCaller.ForTenant("globex")));
        var admin = await ListenAsync(Token(TenantCaller.Admin));

        // One publisher loop sends in order: had acme's connection been in globex's group, globex's event would come first.
        Assert.True(Publisher.Publish(NewCall("g1", "globex")));
        Assert.True(Publisher.Publish(NewCall("a1", "acme") with { From = "+1425***0100" }));

        var received = await NextAsync(acme);
        Assert.Equal(LiveEventTypes.CallNew, received.Type);
        Assert.Equal("a1", received.CallId);
        Assert.Equal("acme", received.TenantId);
        Assert.Equal("+1425***0100", received.From);
        Assert.Equal("g1", (await NextAsync(globex)).CallId);
        Assert.Equal(["g1", "a1"], new[] { (await NextAsync(admin)).CallId, (await NextAsync(admin)).CallId });

        // Nothing else arrived for acme or globex: a later event of each shows up next.
        Assert.True(Publisher.Publish(NewCall("a2", "acme")));
        Assert.True(Publisher.Publish(NewCall("g2", "globex")));
        Assert.Equal("a2", (await NextAsync(acme)).CallId);
        Assert.Equal("g2", (await NextAsync(globex)).CallId);
    }

    [Fact]
    public async Task GetSnapshot_ShowsTheTenantsOwnCalls_TheAdminAll()
    {
        var acme = await ListenAsync(Token(TenantCaller.ForTenant("acme")));
        var admin = await ListenAsync(Token(TenantCaller.Admin));
        Publisher.Publish(NewCall("g1", "globex"));
        Publisher.Publish(NewCall("a1", "acme") with { Channel = "acs", Engine = "gpt-realtime" });
        Publisher.Publish(new LiveEvent
        {
            Type = LiveEventTypes.Transcript, CallId = "a1", TenantId = "acme", At = DateTimeOffset.UtcNow,
            Speaker = "caller", Text = "Hello there", Final = true, ItemId = "item-1",
        });
        Publisher.Publish(new LiveEvent { Type = LiveEventTypes.Latency, CallId = "g1", TenantId = "globex", At = DateTimeOffset.UtcNow, Turn = 0, FirstAudioMs = 640 });
        // The board records before the hub sends: once the admin has seen the last event, the board has them all.
        while ((await NextAsync(admin)).Type != LiveEventTypes.Latency)
        {
        }

        var mine = await acme.Connection.InvokeAsync<LiveSnapshot>("GetSnapshot");
        var call = Assert.Single(mine.Calls);
        Assert.Equal(("a1", "acme", "acs", "gpt-realtime"), (call.CallId, call.TenantId, call.Channel, call.Engine));
        Assert.Equal("Hello there", Assert.Single(call.Transcript).Text);
        Assert.Equal(0, mine.Latency.FirstAudio.Count);

        var all = await admin.Connection.InvokeAsync<LiveSnapshot>("GetSnapshot");
        Assert.Equal(["a1", "g1"], all.Calls.Select(c => c.CallId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(new Percentiles(640, 640, 1), all.Latency.FirstAudio);
    }

    [Fact]
    public async Task ClientsCannotSendEvents()
    {
        var acme = await ListenAsync(Token(TenantCaller.ForTenant("acme")));
        var admin = await ListenAsync(Token(TenantCaller.Admin));

        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => acme.Connection.InvokeAsync("SendAsync", LiveEventTypes.CallNew, NewCall("x", "acme")));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => acme.Connection.InvokeAsync("Publish", NewCall("x", "acme")));
        Publisher.Publish(NewCall("real", "acme"));
        Assert.Equal("real", (await NextAsync(admin)).CallId);
    }

    [Fact]
    public async Task AConnection_EndsWhenItsTokenExpires()
    {
        // A token that lives two seconds: the hub closes the connection then, and a client must reconnect with a new one.
        var shortLived = new TenantTokenService(
            new TenantTokenOptions { SigningKey = _signingKey, Lifetime = TimeSpan.FromSeconds(2) },
            TimeProvider.System, NullLogger<TenantTokenService>.Instance).Issue(TenantCaller.ForTenant("acme")).Token;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = await ConnectAsync(shortLived);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await closed.Task.WaitAsync(Patience);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task WithoutASigningKey_LocallyTheWorkerStarts_AndRefusesEveryToken()
    {
        var (app, baseAddress) = await StartWorkerAsync([]);
        await using (app)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, LiveHub.Path + "/negotiate?negotiateVersion=1"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(TenantCaller.Admin));
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(app.Services.GetRequiredService<LiveTokenValidator>().IsConfigured);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task InAzure_WithoutASigningKey_TheWorkerRefusesToStart()
    {
        var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0", "--CONTAINER_APP_NAME=dvs-worker",
            // A real media key, storage and model key, so the missing token key is what stops it.
            "--MediaWorker:TokenSigningKey=" + Convert.ToBase64String(new byte[32]), "--Storage:BlobServiceUri=https://dvsexample.blob.core.windows.net",
            "--OpenAI:ApiKey=sk-test-not-a-real-key"]);
        await using (app)
        {
            var failure = await Record.ExceptionAsync(() => app.StartAsync());
            Assert.NotNull(failure);
            Assert.Contains("Tenants:Tokens:SigningKey", failure.ToString(), StringComparison.Ordinal);
        }
    }

    private static async Task<(WebApplication App, Uri BaseAddress)> StartWorkerAsync(Dictionary<string, string?> settings)
    {
        var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    private string Token(TenantCaller caller, TimeProvider? clock = null) =>
        new TenantTokenService(new TenantTokenOptions { SigningKey = _signingKey }, clock ?? TimeProvider.System, NullLogger<TenantTokenService>.Instance)
            .Issue(caller).Token;

    private static LiveEvent NewCall(string callId, string tenantId) =>
        new() { Type = LiveEventTypes.CallNew, CallId = callId, TenantId = tenantId, At = DateTimeOffset.UtcNow, State = "Connected" };

    private async Task<HttpStatusCode> NegotiateAsync(string? bearer, string? query = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseAddress!, LiveHub.Path + "/negotiate?negotiateVersion=1" + (query is null ? string.Empty : "&" + query)));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HubConnection> ConnectAsync(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(HubUrl, options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        _connections.Add(connection);
        await connection.StartAsync();
        return connection;
    }

    private async Task<Listener> ListenAsync(string token)
    {
        var events = Channel.CreateUnbounded<LiveEvent>();
        var connection = await ConnectAsync(token);
        foreach (var type in LiveEventTypes.All)
        {
            connection.On<LiveEvent>(type, e => events.Writer.TryWrite(e));
        }

        // The server joins the group in OnConnectedAsync and handles invocations only after it: once this answers, the
        // connection is in its group.
        _ = await connection.InvokeAsync<LiveSnapshot>("GetSnapshot");
        return new Listener(connection, events.Reader);
    }

    private static async Task<LiveEvent> NextAsync(Listener listener)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await listener.Events.ReadAsync(timeout.Token);
    }

    private sealed record Listener(HubConnection Connection, ChannelReader<LiveEvent> Events);
}
