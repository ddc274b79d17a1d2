using DvServerless.Core.Tenants;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Core.Tests.Tenants;

public sealed class TenantRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 15, TimeSpan.Zero));

    [Fact]
    public async Task Requests_past_the_limit_get_the_seconds_until_the_window_resets()
    {
        var limiter = new TenantRateLimiter(new InMemoryRateLimitCounterStore(), 3, _time);

        for (var i = 1; i <= 3; i++)
        {
            var allowed = await limiter.TryAcquireAsync("acme");
            Assert.True(allowed.Allowed);
            Assert.Equal(i, allowed.Count);
        }

        var refused = await limiter.TryAcquireAsync("acme");
        Assert.False(refused.Allowed);
        Assert.Equal(45, refused.RetryAfterSeconds);

        _time.Advance(TimeSpan.FromSeconds(44.5));
        Assert.Equal(1, (await limiter.TryAcquireAsync("acme")).RetryAfterSeconds);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        var next = await limiter.TryAcquireAsync("acme");
        Assert.True(next.Allowed);
        Assert.Equal(1, next.Count);
    }

    [Fact]
    public async Task Tenants_have_separate_budgets()
    {
        var limiter = new TenantRateLimiter(new InMemoryRateLimitCounterStore(), 1, _time);
        Assert.True((await limiter.TryAcquireAsync("acme")).Allowed);
        Assert.False((await limiter.TryAcquireAsync("acme")).Allowed);
        Assert.True((await limiter.TryAcquireAsync("contoso")).Allowed);
    }

    [Fact]
    public async Task Instances_sharing_a_store_share_the_limit()
    {
        var store = new InMemoryRateLimitCounterStore();
        var a = new TenantRateLimiter(store, 300, _time);
        var b = new TenantRateLimiter(store, 300, _time);
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => (i % 2 == 0 ? a : b).TryAcquireAsync("acme").AsTask()));
        Assert.Equal(300, results.Count(r => r.Allowed));
    }

    [Fact]
    public void Windows_are_utc_minutes()
    {
        var at = new DateTimeOffset(2026, 1, 10, 5, 7, 59, 999, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 3, 7, 0, TimeSpan.Zero), TenantRateLimiter.WindowStartOf(at));
    }
}
