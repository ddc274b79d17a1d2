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
        using var policy = new CallCapacityPolicy(counter);
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

    [Fact]
    public async Task Calls_admitted_at_once_on_one_instance_never_pass_the_limit()
    {
        // A counter whose stored count is slow to see new sessions (it is cached): only reservations keep the limit.
        var counter = new SettableCounter { CountDelay = TimeSpan.FromMilliseconds(5) };
        using var policy = new CallCapacityPolicy(counter);
        var tenant = new TenantDefinition { Id = "acme", ApiKeyHash = ApiKeyHasher.Hash("k"), MaxConcurrentCalls = 3 };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () => await policy.AdmitAsync(tenant, "call-" + i))));

        Assert.Equal(3, decisions.Count(d => d.Admitted));
        Assert.Equal(3, counter.Reserved.Count);
    }

    [Fact]
    public async Task A_refused_call_or_one_without_an_id_reserves_nothing()
    {
        var counter = new SettableCounter { Active = 1 };
        using var policy = new CallCapacityPolicy(counter);
        var tenant = new TenantDefinition { Id = "acme", ApiKeyHash = ApiKeyHasher.Hash("k"), MaxConcurrentCalls = 1 };

        Assert.False((await policy.AdmitAsync(tenant, "refused")).Admitted);
        counter.Active = 0;
        Assert.True((await policy.AdmitAsync(tenant)).Admitted);

        Assert.Empty(counter.Reserved);
    }

    /// <summary>Counts <see cref="Active"/> plus what was reserved, like a counter whose storage has not caught up.</summary>
    private sealed class SettableCounter : IActiveCallCounter
    {
        public int Active { get; set; }

        public TimeSpan CountDelay { get; init; }

        public string? LastTenant { get; private set; }

        public List<string> Reserved { get; } = [];

        public async ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default)
        {
            LastTenant = tenantId;
            if (CountDelay > TimeSpan.Zero)
            {
                await Task.Delay(CountDelay, cancellationToken);
            }

            lock (Reserved)
            {
                return Active + Reserved.Count;
            }
        }

        public void Reserve(string tenantId, string callId)
        {
            lock (Reserved)
            {
                Reserved.Add(callId);
            }
        }
    }
}
