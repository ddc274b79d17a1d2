using System.Net;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Sip;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>
/// The SIP attach over the worker's internal route: its token is bound to the SIP call and carries who the call belongs
/// to, which the worker runs the sideband by when it cannot read the session.
/// </summary>
public sealed class MediaWorkerSipClientTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_attach_token_is_bound_to_the_sip_call_and_carries_the_calls_tenant_agent_and_project()
    {
        var tokens = MediaTokenService.FromConfiguredKey(new string('k', 32), _time);
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var client = new MediaWorkerSipClient(http, tokens, Options.Create(new MediaWorkerOptions()), Options.Create(new SipRoutingOptions()), _time);
        var owner = new CallOwner("acme", "sales", "acme");

        var answer = await client.AttachAsync("call-1", "rtc_0123456789abcdef", worker: null, owner, CancellationToken.None);

        Assert.True(answer.Ok, answer.Detail);
        var (path, bearer) = Assert.Single(handler.Requests);
        Assert.Equal(MediaWorkerSipClient.AttachPath, path);
        var validation = tokens.Validate(bearer, MediaTokenPurpose.SipAttach, "call-1", "rtc_0123456789abcdef");
        Assert.True(validation.IsValid, validation.Status.ToString());
        Assert.Equal(owner, validation.Owner);
    }

    [Fact]
    public async Task The_capacity_token_carries_nothing_of_the_call()
    {
        var tokens = MediaTokenService.FromConfiguredKey(new string('k', 32), _time);
        using var handler = new RecordingHandler { Body = """{"active":0,"limit":10,"available":true}""" };
        using var http = new HttpClient(handler);
        var client = new MediaWorkerSipClient(http, tokens, Options.Create(new MediaWorkerOptions()), Options.Create(new SipRoutingOptions()), _time);

        var answer = await client.CheckCapacityAsync("call-1", CancellationToken.None);

        Assert.True(answer.Ok, answer.Detail);
        var (_, bearer) = Assert.Single(handler.Requests);
        Assert.Equal(default, tokens.Validate(bearer, MediaTokenPurpose.SipAttach, "call-1").Owner);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(string Path, string? Bearer)> Requests { get; } = [];

        public string Body { get; init; } = """{"callId":"call-1","state":"attaching"}""";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.AbsolutePath, request.Headers.Authorization?.Parameter));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(Body) });
        }
    }
}
