using DvServerless.Testing;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>SIP calls meet the tenant's concurrent-call limit at the door, like ACS calls: over it, 486 and no accept.</summary>
public sealed class SipCallAdmissionTests
{
    private const string SipCallId = "rtc_0123456789abcdef0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly FakeRealtimeCallControl _control = new();
    private readonly FakeSipWorkerClient _worker = new();
    private readonly SipRoutingOptions _routing = new();
    private readonly RecordingAdmission _admission = new();

    [Fact]
    public async Task A_call_over_the_tenants_limit_is_rejected_with_486_and_never_accepted()
    {
        _routing.RouteByCalledParty = true;
        _admission.Next = new IncomingCallAdmission("acme", Admitted: false, ActiveCalls: 2, Limit: 2);

        var outcome = await Service().HandleAsync(Call("wh_1", "\"Sales\" <sip:+18005550100@sip.example.com>;tag=9"));

        Assert.Equal(SipIncomingResult.Rejected, outcome.Result);
        Assert.Equal(("reject", SipCallId, "486"), Assert.Single(_control.Requests));
        Assert.Empty(_worker.Attaches);
        Assert.Equal("sip:+18005550100@sip.example.com", _admission.CalledParty);
        Assert.Equal(outcome.CallId, _admission.CallId);
        var session = (await _sessions.GetAsync(outcome.CallId))!;
        Assert.Equal("acme", session.TenantId);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Contains(IncomingCallAdmission.CapacityReason, session.EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_route_by_called_party_an_admitted_call_belongs_to_the_tenant_that_owns_the_called_uri()
    {
        _routing.RouteByCalledParty = true;
        _admission.Next = new IncomingCallAdmission("acme", Admitted: true, ActiveCalls: 0, Limit: 2);

        var outcome = await Service().HandleAsync(Call("wh_1", "<sip:+18005550100@sip.example.com>"));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Equal("acme", (await _sessions.GetAsync(outcome.CallId))!.TenantId);
        Assert.Equal("sip:+18005550100@sip.example.com", _admission.CalledParty);
    }

    [Fact]
    public async Task By_default_the_to_header_never_reaches_admission_and_a_gateway_signed_call_is_of_no_tenant()
    {
        var outcome = await Service().HandleAsync(Call("wh_1", "<sip:+18005550100@sip.example.com>"));

        Assert.Equal(SipIncomingResult.Accepted, outcome.Result);
        Assert.Null(_admission.CalledParty);
        Assert.True(_admission.ByTenant);
        Assert.Null(_admission.TenantId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_call_verified_by_a_tenants_secret_is_admitted_for_that_tenant_whatever_to_says(bool routeByCalledParty)
    {
        _routing.RouteByCalledParty = routeByCalledParty;

        await Service().HandleAsync(Call("wh_1", "<sip:+18005550100@sip.example.com>"), "globex");

        Assert.True(_admission.ByTenant);
        Assert.Equal("globex", _admission.TenantId);
        Assert.Null(_admission.CalledParty);
    }

    [Theory]
    [InlineData("\"Sales\" <sip:+18005550100@sip.example.com>;tag=9", "sip:+18005550100@sip.example.com")]
    [InlineData("<tel:+18005550100>", "tel:+18005550100")]
    [InlineData("sip:agent@example.com;tag=1", "sip:agent@example.com")]
    [InlineData("  ", null)]
    [InlineData(null, null)]
    public void The_called_party_is_the_uri_of_the_to_header(string? to, string? expected) =>
        Assert.Equal(expected, SipCalledParty.Of(to));

    private SipIncomingService Service() => new(_sessions, _control, _worker, new SipRoutingPolicy(Options.Create(_routing)), new SipWebhookIdCache(_time),
        Options.Create(_routing), new AgentOptions(), _time, NullLogger<SipIncomingService>.Instance, _admission);

    private static SipIncomingCall Call(string webhookId, string to) =>
        new(webhookId, "evt_1", "realtime.call.incoming", SipCallId, DateTimeOffset.FromUnixTimeSeconds(1_768_014_000),
            new SipHeaderCollection([new SipHeader("From", "<sip:+14255550123@carrier.example>"), new SipHeader("To", to)]));

    private sealed class RecordingAdmission : ICallAdmissionPolicy
    {
        public IncomingCallAdmission Next { get; set; } = IncomingCallAdmission.AdmittedWithoutTenant;

        public string? CalledParty { get; private set; }

        public string? CallId { get; private set; }

        public bool ByTenant { get; private set; }

        public string? TenantId { get; private set; }

        public ValueTask<IncomingCallAdmission> AdmitAsync(string? calledParty, string? callId = null, CancellationToken cancellationToken = default)
        {
            CalledParty = calledParty;
            CallId = callId;
            return ValueTask.FromResult(Next);
        }

        public ValueTask<IncomingCallAdmission> AdmitTenantAsync(string? tenantId, string? callId = null, CancellationToken cancellationToken = default)
        {
            ByTenant = true;
            TenantId = tenantId;
            CallId = callId;
            return ValueTask.FromResult(Next with { TenantId = tenantId });
        }
    }
}
