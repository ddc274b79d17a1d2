using DvServerless.Core.Tenants;

namespace DvServerless.Core.Tests.Tenants;

public sealed class CallCapacityPolicyTests
{
    [Theory]
    [InlineData(2, 0, true)]
    [InlineData(2, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(2, 5, false)]
    [InlineData(null, 1000, true)]
    [InlineData(0, 1000, true)]
    public void Calls_are_admitted_below_the_limit(int? limit, int active, bool admitted) =>
        Assert.Equal(admitted, CallCapacityPolicy.Decide(limit, active).Admitted);

    [Fact]
    public async Task The_count_comes_from_the_counter_so_ended_calls_free_their_slot()
    {
        var counter = new SettableCounter();
        var policy = new CallCapacityPolicy(counter);
        var tenant = new TenantDefinition { Id = "acme", ApiKeyHash = ApiKeyHasher.Hash("k"), MaxConcurrentCalls = 1 };

        counter.Active = 1;
        var refused = await policy.AdmitAsync(tenant);
        Assert.False(refused.Admitted);
        Assert.Equal(1, refused.ActiveCalls);
        Assert.Equal(486, CallAdmission.BusySipStatus);

        counter.Active = 0;
        Assert.True((await policy.AdmitAsync(tenant)).Admitted);
        Assert.Equal("acme", counter.LastTenant);
    }

    private sealed class SettableCounter : IActiveCallCounter
    {
        public int Active { get; set; }

        public string? LastTenant { get; private set; }

        public ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default)
        {
            LastTenant = tenantId;
            return ValueTask.FromResult(Active);
        }
    }
}
