using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Tenants;

public sealed class BlobActiveCallCounterTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobActiveCallCounterTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task Only_non_final_sessions_of_the_tenant_count_and_ended_calls_free_their_slot()
    {
        var (_, store, time, counter) = NewCounter();

        Assert.Equal(0, await counter.CountActiveAsync("acme"));

        await store.TryCreateAsync(new CallSession { CallId = "call-1", TenantId = "acme", State = CallState.Connected, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-2", TenantId = "acme", State = CallState.Ringing, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-3", TenantId = "acme", State = CallState.Ended, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-4", TenantId = "contoso", State = CallState.Connected, CreatedAt = time.GetUtcNow() });

        // Cached for a second: the sessions created since the last count are not seen yet.
        Assert.Equal(0, await counter.CountActiveAsync("acme"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await counter.CountActiveAsync("acme"));
        Assert.Equal(1, await counter.CountActiveAsync("contoso"));

        await store.UpdateAsync("call-1", s => { s.State = CallState.Failed; return true; });
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await counter.CountActiveAsync("acme"));

        using var policy = new CallCapacityPolicy(counter);
        var acme = new TenantDefinition { Id = "acme", ApiKeyHash = ApiKeyHasher.Hash("k"), MaxConcurrentCalls = 1 };
        Assert.False((await policy.AdmitAsync(acme)).Admitted);
        await store.UpdateAsync("call-2", s => { s.State = CallState.Ended; return true; });
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await policy.AdmitAsync(acme)).Admitted);
    }

    [SkippableFact]
    public async Task Counting_lists_only_the_open_sessions_and_downloads_nothing()
    {
        var (container, downloads) = Storage.BlobDownloadLog.NewContainer(_azurite.Require(), "sessions");
        var (_, store, time, counter) = NewCounter(container);
        for (var i = 0; i < 20; i++)
        {
            await store.TryCreateAsync(new CallSession { CallId = $"ended-{i}", TenantId = "acme", State = CallState.Ended, CreatedAt = time.GetUtcNow() });
        }

        await store.TryCreateAsync(new CallSession { CallId = "open-1", TenantId = "acme", State = CallState.Connected, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "open-2", TenantId = "acme", State = CallState.Ringing, CreatedAt = time.GetUtcNow() });
        await store.UpdateAsync("open-2", s => { s.State = CallState.Ended; return true; });
        Assert.False(await container.GetBlobClient(SessionIndexBlobs.OpenName("open-2")).ExistsAsync());
        downloads.Clear();

        Assert.Equal(1, await counter.CountActiveAsync("acme"));
        Assert.Equal([SessionIndexBlobs.OpenPrefix], downloads.Listings);
        Assert.Empty(downloads.Names);
    }

    [SkippableFact]
    public async Task A_reserved_call_counts_until_its_session_is_listed_and_then_only_once()
    {
        var (_, store, time, counter) = NewCounter();
        Assert.Equal(0, await counter.CountActiveAsync("acme"));   // a cached count of nothing

        counter.Reserve("acme", "call-1");
        counter.Reserve("acme", "never-written");
        await store.TryCreateAsync(new CallSession { CallId = "call-1", TenantId = "acme", State = CallState.Ringing, CreatedAt = time.GetUtcNow() });
        Assert.Equal(2, await counter.CountActiveAsync("acme"));   // the cache does not show call-1 yet: the reservations count
        Assert.Equal(0, await counter.CountActiveAsync("contoso"));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await counter.CountActiveAsync("acme"));   // call-1 from storage, never-written still reserved

        time.Advance(new ActiveCallCounterOptions().ReservationLifetime);
        Assert.Equal(1, await counter.CountActiveAsync("acme"));   // a call whose session never came stops counting
    }

    [SkippableFact]
    public async Task Sessions_untouched_for_longer_than_the_stale_bound_stop_counting()
    {
        var (_, store, time, counter) = NewCounter(options: new ActiveCallCounterOptions { StaleAfter = TimeSpan.FromHours(4) });
        await store.TryCreateAsync(new CallSession { CallId = "orphan", TenantId = "acme", State = CallState.Connected, CreatedAt = time.GetUtcNow() });

        Assert.Equal(1, await counter.CountActiveAsync("acme"));
        time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await counter.CountActiveAsync("acme"));
    }

    [SkippableFact]
    public async Task Active_sessions_of_no_tenant_count_under_the_unrouted_key_and_meet_the_unrouted_limit()
    {
        var (_, store, time, counter) = NewCounter();
        await store.TryCreateAsync(new CallSession { CallId = "call-1", TenantId = null, State = CallState.Connected, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-2", TenantId = null, State = CallState.Ringing, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-3", TenantId = null, State = CallState.Ended, CreatedAt = time.GetUtcNow() });
        await store.TryCreateAsync(new CallSession { CallId = "call-4", TenantId = "acme", State = CallState.Connected, CreatedAt = time.GetUtcNow() });
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, await counter.CountActiveAsync(CallCapacityPolicy.UnroutedCounterKey));
        Assert.Equal(1, await counter.CountActiveAsync("acme"));
        using var policy = new CallCapacityPolicy(counter);
        Assert.False((await policy.AdmitUnroutedAsync(2, "call-5")).Admitted);
        var admitted = await policy.AdmitUnroutedAsync(3, "call-5");
        Assert.True(admitted.Admitted);
        // Reserved at once: the next unrouted call sees it before its session is stored.
        Assert.Equal(3, await counter.CountActiveAsync(CallCapacityPolicy.UnroutedCounterKey));
    }

    [SkippableFact]
    public async Task The_listing_the_workers_scale_rule_makes_counts_every_open_call_of_every_channel_and_tenant_and_nothing_else()
    {
        // KEDA's azure-blob scaler (bicep/containerapp.bicep, rule active-calls) lists blobPrefix + blobDelimiter one level
        // deep (a hierarchy listing) and counts the blobs it returns; the deployment tests pin its settings to these.
        const string BlobPrefix = "open";
        const string BlobDelimiter = "/";
        var (container, store, time, _) = NewCounter();
        var channels = new[] { CallChannel.Acs, CallChannel.Sip, CallChannel.Browser };
        for (var i = 0; i < 9; i++)
        {
            await store.TryCreateAsync(new CallSession
            {
                CallId = $"call-{i}_{channels[i % 3]}",
                TenantId = i % 2 == 0 ? "acme" : null,
                Channel = channels[i % 3],
                State = i % 3 == 0 ? CallState.Ringing : CallState.Connected,
                CreatedAt = time.GetUtcNow(),
            });
        }

        await store.TryCreateAsync(new CallSession { CallId = "done-1", TenantId = "acme", State = CallState.Ended, CreatedAt = time.GetUtcNow() });
        Assert.Equal(9, await ScalerCountAsync());

        await store.UpdateAsync("call-0_Acs", s => { s.State = CallState.Ended; return true; });
        await store.UpdateAsync("call-1_Sip", s => { s.State = CallState.Failed; return true; });
        Assert.Equal(7, await ScalerCountAsync());

        async Task<int> ScalerCountAsync()
        {
            var count = 0;
            await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, BlobDelimiter, BlobPrefix + BlobDelimiter, CancellationToken.None))
            {
                count += item.IsBlob ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>A counter over a fresh sessions container (or <paramref name="container"/>), with its store and a fake clock.</summary>
    private (BlobContainerClient Container, BlobCallSessionStore Store, FakeTimeProvider Time, BlobActiveCallCounter Counter) NewCounter(
        BlobContainerClient? container = null, ActiveCallCounterOptions? options = null)
    {
        container ??= new BlobServiceClient(_azurite.Require()).GetBlobContainerClient("sessions" + Guid.NewGuid().ToString("N")[..12]);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counter = new BlobActiveCallCounter(container, options ?? new ActiveCallCounterOptions(), time, NullLogger<BlobActiveCallCounter>.Instance);
        return (container, new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance), time, counter);
    }
}
