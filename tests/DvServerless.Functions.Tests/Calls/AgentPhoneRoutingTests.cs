using System.Net;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.Tests.Endpoints;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Calls;

/// <summary>An ACS call to a number a named agent lists (<c>Agents:{id}:PhoneNumbers</c>) records that agent on its session.</summary>
public sealed class AgentPhoneRoutingTests
{
    private const string Route = "/api/acs/incoming-call";

    // IncomingCallSamples.EventGridDelivery calls +18005550199.
    private static Dictionary<string, string?> Lines(string salesNumber = "+18005550199") => new()
    {
        ["Agents:sales:Instructions"] = "You sell things.",
        ["Agents:sales:PhoneNumbers:0"] = "+14255550100",
        ["Agents:sales:PhoneNumbers:1"] = salesNumber,
        ["Agents:support:Instructions"] = "You fix things.",
        ["Agents:support:PhoneNumbers:0"] = "+14255550200",
    };

    [Fact]
    public async Task A_call_to_the_sales_number_stores_agent_sales_on_its_session_and_logs_the_number_masked()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionsHost.StartAsync(Lines(), logs);

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single(host.Services.Acs.Answers);
        var session = (await host.Services.Sessions.GetAsync(IncomingCallSamples.CorrelationId))!;
        Assert.Equal("sales", CallSessionAgent.Of(session));
        // The media token says so too, signed: the worker runs the agent even when it cannot read the session.
        var token = System.Web.HttpUtility.ParseQueryString(answer.MediaTransportUrl!.Query)["token"];
        var validation = host.Services.Tokens.Validate(token, MediaTokenPurpose.AcsMedia, IncomingCallSamples.CorrelationId);
        Assert.True(validation.IsValid);
        Assert.Equal(new CallOwner(null, "sales"), validation.Owner);
        Assert.Contains(logs.Messages, m => m.Contains("runs agent 'sales'", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("8005550199", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_to_a_number_no_agent_lists_runs_the_default_agent_with_a_warning_that_masks_the_number()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionsHost.StartAsync(Lines(salesNumber: "+14255550101"), logs);

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await host.Services.Sessions.GetAsync(IncomingCallSamples.CorrelationId))!;
        Assert.Null(CallSessionAgent.Of(session));
        Assert.DoesNotContain(CallSessionAgent.MetadataKey, session.Metadata.Keys);
        var warning = Assert.Single(logs.Messages, m => m.Contains("runs the default agent: no agent's PhoneNumbers list the number", StringComparison.Ordinal));
        Assert.Contains(IncomingCallSamples.CorrelationId, warning, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("8005550199", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_agents_routed_by_number_a_call_runs_the_default_agent_without_a_warning()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionsHost.StartAsync(new Dictionary<string, string?>(), logs);

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("runs the default agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_tenants_the_number_picks_both_the_tenant_and_the_agent()
    {
        var settings = Lines();
        settings["Tenants:Items:0:Id"] = "acme";
        settings["Tenants:Items:0:ApiKey"] = "dvs_acme-key-0123456789abcdef";
        settings["Tenants:Items:0:PhoneNumbers:0"] = "+18005550199";
        await using var host = await TestFunctionsHost.StartAsync(settings);

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await host.Services.Sessions.GetAsync(IncomingCallSamples.CorrelationId))!;
        Assert.Equal("acme", session.TenantId);
        Assert.Equal("sales", CallSessionAgent.Of(session));
    }

    [Theory]
    [InlineData("+14255550200", "Agents:support:PhoneNumbers:0 lists a number that Agents:sales:PhoneNumbers:1 already routes to agent 'sales'")]
    [InlineData("425-555-0300", "Agents:sales:PhoneNumbers:1 is not a phone number in E.164 form")]
    public async Task A_number_in_two_agents_or_not_in_E164_stops_the_app_naming_the_setting(string salesNumber, string expected)
    {
        await using var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(Lines(salesNumber));
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
