using System.Text.Json.Nodes;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>
/// With <c>Sip:RouteByCalledParty</c> the number in a SIP call's <c>To</c> header picks the named agent that lists it
/// (<c>Agents:{id}:PhoneNumbers</c>), as the called number does for an ACS call: the accept carries that agent's settings
/// and the session records it for the worker's sideband. Without the option, or for a number no agent lists, the
/// default agent answers.
/// </summary>
public sealed class SipAgentRoutingTests : IDisposable
{
    private const string SipCallId = "rtc_a1_0123456789abcdef0123456789abcdef";
    private const string SalesNumber = "+14255550100";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly FakeRealtimeCallControl _control = new();
    private readonly FakeSipWorkerClient _worker = new();
    private readonly SipRoutingOptions _routing = new() { RouteByCalledParty = true };
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly AgentOptions _default = new() { Model = "gpt-realtime", Voice = "marin", Instructions = "You are the Contoso switchboard." };
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Agents:sales:Instructions"] = "You are the Contoso sales line.",
        ["Agents:sales:Voice"] = "cedar",
        ["Agents:sales:TranscriptionModel"] = "gpt-4o-transcribe",
        ["Agents:sales:TurnDetection"] = "semantic_vad",
        ["Agents:sales:PhoneNumbers:0"] = SalesNumber,
        ["Agents:support:Instructions"] = "You are Contoso support.",
        ["Agents:support:PhoneNumbers:0"] = "+14255550200",
    };

    public SipAgentRoutingTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));

    public void Dispose() => _loggers.Dispose();

    [Theory]
    [InlineData("<sip:+14255550100@sip.api.openai.com>")]
    [InlineData("\"Sales\" <sip:+1-425-555-0100@trunk.example.com;user=phone>;tag=7")]
    [InlineData("<tel:+14255550100>")]
    public async Task With_the_option_the_called_number_picks_its_agent_for_the_accept_and_the_session(string to)
    {
        var outcome = await Service().HandleAsync(Call(to));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        var session = Accept();
        Assert.Equal("You are the Contoso sales line.", (string?)session["instructions"]);
        Assert.Equal("cedar", (string?)session["audio"]!["output"]!["voice"]);
        Assert.Equal("gpt-4o-transcribe", (string?)session["audio"]!["input"]!["transcription"]!["model"]);
        Assert.Equal("semantic_vad", (string?)session["audio"]!["input"]!["turn_detection"]!["type"]);
        Assert.Equal("gpt-realtime", (string?)session["model"]);
        Assert.Equal(["end_call", "transfer"], ToolNames(session));
        var stored = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal("sales", stored.Metadata[CallSessionAgent.MetadataKey]);
        Assert.Equal("sales", CallSessionAgent.Of(stored));

        // The decision is logged with the number masked, as every phone number in the logs.
        var routed = Assert.Single(_logs.Messages, m => m.Contains("runs agent 'sales'", StringComparison.Ordinal));
        Assert.DoesNotContain("4255550100", routed, StringComparison.Ordinal);
        Assert.DoesNotContain("425-555-0100", routed, StringComparison.Ordinal);
        Assert.Contains("0100", routed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_option_a_listed_number_runs_the_default_agent()
    {
        _routing.RouteByCalledParty = false;

        var outcome = await Service().HandleAsync(Call("<sip:" + SalesNumber + "@sip.api.openai.com>"));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        var session = Accept();
        Assert.Equal("You are the Contoso switchboard.", (string?)session["instructions"]);
        Assert.Equal("marin", (string?)session["audio"]!["output"]!["voice"]);
        Assert.False((await _sessions.GetAsync(outcome.CallId))!.Metadata.ContainsKey(CallSessionAgent.MetadataKey));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("runs agent", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<sip:+14255550999@sip.api.openai.com>")]
    [InlineData("<sip:sales@sip.api.openai.com>")]
    [InlineData("")]
    public async Task A_number_no_agent_lists_runs_the_default_agent(string to)
    {
        var outcome = await Service().HandleAsync(Call(to));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal("You are the Contoso switchboard.", (string?)Accept()["instructions"]);
        Assert.Null(CallSessionAgent.Of((await _sessions.GetAsync(outcome.CallId))!));
        Assert.Contains(_logs.Messages, m => m.Contains("runs the default agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_verified_by_a_tenants_secret_gets_the_agent_of_its_to_number_and_stays_the_tenants()
    {
        var outcome = await Service().HandleAsync(Call("<sip:+14255550200@sip.api.openai.com>"), "globex");

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal("You are Contoso support.", (string?)Accept()["instructions"]);
        var stored = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal("support", stored.Metadata[CallSessionAgent.MetadataKey]);
        Assert.Equal("globex", stored.TenantId);
        Assert.Equal("globex", stored.Metadata[SipSessionMetadata.OpenAIProjectTenant]);
        // The attach tells the worker the same, for when it cannot read the session.
        Assert.Equal(new CallOwner("globex", "support", "globex"), Assert.Single(_worker.AttachOwners));
    }

    [Fact]
    public async Task An_agent_with_its_own_tool_list_has_the_accept_declare_that_list()
    {
        _settings["Agents:sales:Tools:0:Name"] = "book_demo";
        _settings["Agents:sales:Tools:0:Description"] = "Books a product demo.";

        await Service().HandleAsync(Call("<sip:" + SalesNumber + "@sip.api.openai.com>"));

        Assert.Equal(["book_demo"], ToolNames(Accept()));
    }

    [Theory]
    [InlineData("sip:+14255550100@sip.api.openai.com", "+14255550100")]
    [InlineData("sips:+1 (425) 555-0100@trunk.example.com:5061", "+14255550100")]
    [InlineData("tel:+1-425-555-0100", "+14255550100")]
    [InlineData("+14255550100", "+14255550100")]
    [InlineData("sip:sales@sip.api.openai.com", null)]
    [InlineData("sip:14255550100@sip.api.openai.com", null)]
    [InlineData(null, null)]
    public void The_called_number_is_the_e164_number_of_the_to_uri(string? calledParty, string? expected) =>
        Assert.Equal(expected, SipCalledParty.NumberOf(calledParty));

    private SipIncomingService Service()
    {
        var catalog = new AgentCatalog(_default, new ConfigurationBuilder().AddInMemoryCollection(_settings).Build());
        return new SipIncomingService(_sessions, _control, _worker, new SipRoutingPolicy(Options.Create(_routing)), new SipWebhookIdCache(_time),
            Options.Create(_routing), _default, _time, _loggers.CreateLogger<SipIncomingService>(), agents: catalog);
    }

    private JsonObject Accept()
    {
        var accept = Assert.Single(_control.Requests, r => r.Operation == "accept");
        return JsonNode.Parse(accept.Detail!)!.AsObject();
    }

    private static string[] ToolNames(JsonObject session) => session["tools"]!.AsArray().Select(t => (string)t!["name"]!).ToArray();

    private static SipIncomingCall Call(string to) =>
        new("wh_1", "evt_1", RealtimeCallIncomingParser.CallIncomingType, SipCallId, DateTimeOffset.FromUnixTimeSeconds(1_769_936_400),
            new SipHeaderCollection([new SipHeader("From", "<sip:+14155550123@carrier.example>"), new SipHeader("To", to)]));
}
