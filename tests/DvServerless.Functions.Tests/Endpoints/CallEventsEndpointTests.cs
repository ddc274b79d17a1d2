using System.Net;
using DvServerless.Core.Calls;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Endpoints;

public sealed class CallEventsEndpointTests
{
    private const string CallId = IncomingCallSamples.CorrelationId;

    [Fact]
    public async Task A_callback_is_applied_to_its_call()
    {
        await using var host = await AnsweredCallAsync();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallConnected("conn-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallState.Connected, (await host.Services.Sessions.GetAsync(CallId))!.State);
    }

    [Fact]
    public async Task A_callback_for_an_unknown_call_gets_404()
    {
        await using var host = await TestFunctionsHost.StartAsync();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post("/api/acs/callbacks/no-such-call", IncomingCallSamples.CallConnected("conn-1")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(host.Services.Sessions.Snapshot());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("\"just a string\"")]
    public async Task A_malformed_callback_gets_400_and_changes_nothing(string body)
    {
        await using var host = await AnsweredCallAsync();
        var before = host.Services.Sessions.Snapshot();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, host.Services.Sessions.Snapshot());
    }

    [Fact]
    public async Task A_callback_over_one_mebibyte_gets_413()
    {
        await using var host = await AnsweredCallAsync();
        var before = host.Services.Sessions.Snapshot();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", "[" + new string(' ', 1024 * 1024) + "]"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, host.Services.Sessions.Snapshot());
    }

    [Fact]
    public async Task A_redelivered_callback_is_accepted_and_changes_nothing()
    {
        await using var host = await AnsweredCallAsync();
        using var first = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallDisconnected("conn-1")));
        var before = host.Services.Sessions.Snapshot();

        using var second = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", IncomingCallSamples.CallDisconnected("conn-1")));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(before, host.Services.Sessions.Snapshot());
        var session = await host.Services.Sessions.GetAsync(CallId);
        Assert.Equal(CallState.Ended, session!.State);
        Assert.Equal("This conversation has ended.", session.EndReason);
    }

    private static async Task<TestFunctionsHost> AnsweredCallAsync()
    {
        var host = await TestFunctionsHost.StartAsync();
        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post("/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return host;
    }
}
