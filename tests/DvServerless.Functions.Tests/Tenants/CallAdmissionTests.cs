using DvServerless.Testing;
using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>Tenant routing and the concurrent-call limit at the door.</summary>
public sealed class CallAdmissionTests
{
    [Fact]
    public async Task A_call_over_the_tenants_limit_is_rejected_busy_and_its_session_fails_with_the_reason()
    {
        var (service, acs, sessions) = Create(activeCalls: 2, limit: 2);

        var outcome = await service.HandleAsync(IncomingCallSamples.Notification());

        Assert.Equal(IncomingCallResult.Rejected, outcome.Result);
        Assert.Equal([CallRejectReason.Busy], acs.Rejects.ToArray());
        Assert.Equal(0, acs.Answers);
        var session = await sessions.GetAsync(outcome.CallId);
        Assert.Equal("acme", session!.TenantId);
        Assert.Equal(CallState.Failed, session.State);
        Assert.Equal(IncomingCallAdmission.CapacityReason, session.EndReason);
    }

    [Fact]
    public async Task A_call_under_the_limit_is_answered_and_its_session_belongs_to_the_tenant_of_the_called_number()
    {
        var (service, acs, sessions) = Create(activeCalls: 1, limit: 2);

        var outcome = await service.HandleAsync(IncomingCallSamples.Notification());

        Assert.Equal(IncomingCallResult.Answered, outcome.Result);
        Assert.Empty(acs.Rejects);
        Assert.Equal("acme", (await sessions.GetAsync(outcome.CallId))!.TenantId);
    }

    [Fact]
    public async Task The_sip_path_gets_486_from_the_same_policy()
    {
        var policy = Policy(activeCalls: 5, limit: 5);
        var admission = await policy.AdmitAsync("sip:+18005550199@sip.example.com");
        Assert.False(admission.Admitted);
        Assert.Equal(486, admission.SipStatusCode);
        Assert.Equal("acme", admission.TenantId);
    }

    [Theory]
    [InlineData(0, 2, true)]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, false)]
    [InlineData(0, 0, false)]
    public async Task Calls_that_match_no_tenant_fall_under_the_unrouted_limit(int activeUnrouted, int limit, bool admitted)
    {
        var counter = new FixedCounter(activeUnrouted);
        var policy = Policy(activeCalls: activeUnrouted, limit: 5, unroutedLimit: limit, counter: counter);

        var byNumber = await policy.AdmitAsync("4:+19995550000", "call-1");
        var byTrustedData = await policy.AdmitTenantAsync(null, "call-2");

        Assert.Equal(admitted, byNumber.Admitted);
        Assert.Null(byNumber.TenantId);
        Assert.Equal(admitted, byTrustedData.Admitted);
        Assert.Equal(admitted ? null : 486, byTrustedData.SipStatusCode);
        Assert.All(counter.Keys, key => Assert.Equal(CallCapacityPolicy.UnroutedCounterKey, key));
    }

    [Fact]
    public async Task Without_tenants_every_call_is_admitted_whatever_the_unrouted_limit()
    {
        var policy = new TenantCallAdmissionPolicy(
            new TenantDirectory(new TenantsOptions { UnroutedMaxConcurrentCalls = 0 }), new CallCapacityPolicy(new FixedCounter(9)), NullLogger<TenantCallAdmissionPolicy>.Instance);

        Assert.True((await policy.AdmitAsync("4:+19995550000")).Admitted);
        Assert.True((await policy.AdmitTenantAsync(null)).Admitted);
    }

    [Fact]
    public async Task A_tenant_named_by_trusted_data_is_admitted_against_its_own_limit()
    {
        var refused = await Policy(activeCalls: 2, limit: 2).AdmitTenantAsync("acme");
        var admitted = await Policy(activeCalls: 1, limit: 2).AdmitTenantAsync("acme");

        Assert.Equal(("acme", false), (refused.TenantId, refused.Admitted));
        Assert.Equal(("acme", true), (admitted.TenantId, admitted.Admitted));
    }

    private static TenantCallAdmissionPolicy Policy(int activeCalls, int limit, int unroutedLimit = 2, FixedCounter? counter = null)
    {
        var options = new TenantsOptions
        {
            UnroutedMaxConcurrentCalls = unroutedLimit,
            Items = [new TenantOptions { Id = "acme", ApiKey = "dvs_acme-key-0123456789abcdef", MaxConcurrentCalls = limit, PhoneNumbers = ["+18005550199"] }],
        };
        return new TenantCallAdmissionPolicy(new TenantDirectory(options), new CallCapacityPolicy(counter ?? new FixedCounter(activeCalls)), NullLogger<TenantCallAdmissionPolicy>.Instance);
    }

    private static (IncomingCallService Service, RecordingAcsClient Acs, InMemoryCallSessionStore Sessions) Create(int activeCalls, int limit)
    {
        var services = new TestServices();
        var acs = new RecordingAcsClient();
        var service = new IncomingCallService(
            services.Sessions, acs, services.Tokens, Options.Create(services.Functions), Options.Create(services.MediaWorker),
            Options.Create(services.AcsOptions), services.Time, NullLogger<IncomingCallService>.Instance, Policy(activeCalls, limit));
        return (service, acs, services.Sessions);
    }

    private sealed class FixedCounter(int count) : IActiveCallCounter
    {
        public List<string> Keys { get; } = [];

        public ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default)
        {
            Keys.Add(tenantId);
            return ValueTask.FromResult(count);
        }

        public void Reserve(string tenantId, string callId)
        {
        }
    }
}
