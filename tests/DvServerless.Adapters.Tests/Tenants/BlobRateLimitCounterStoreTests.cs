using Azure.Storage.Blobs;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Tenants;

public sealed class BlobRateLimitCounterStoreTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobRateLimitCounterStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    private BlobRateLimitCounterStore CreateStore(string containerName) =>
        new(new BlobServiceClient(_azurite.Require()).GetBlobContainerClient(containerName), NullLogger<BlobRateLimitCounterStore>.Instance);

    [SkippableFact]
    public async Task Concurrent_increments_from_two_instances_lose_nothing()
    {
        var container = "rl" + Guid.NewGuid().ToString("N")[..12];
        var first = CreateStore(container);
        var second = CreateStore(container);
        var window = new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);

        var counts = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? first : second).IncrementAsync("acme", window).AsTask()));

        // Every increment saw a distinct count: none was lost or double-counted.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), counts.Order());
        Assert.Equal(21, await first.IncrementAsync("acme", window));
        Assert.Equal(1, await second.IncrementAsync("acme", window.AddMinutes(1)));
        Assert.Equal(1, await second.IncrementAsync("contoso", window));
    }

    [SkippableFact]
    public async Task The_limiter_refuses_past_the_limit_across_instances()
    {
        var container = "rl" + Guid.NewGuid().ToString("N")[..12];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 10, 3, 0, 50, TimeSpan.Zero));
        var a = new TenantRateLimiter(CreateStore(container), 5, time);
        var b = new TenantRateLimiter(CreateStore(container), 5, time);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? a : b).TryAcquireAsync("acme").AsTask()));

        Assert.Equal(5, results.Count(r => r.Allowed));
        Assert.All(results.Where(r => !r.Allowed), r => Assert.Equal(10, r.RetryAfterSeconds));
    }
}
