using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Calls;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Hosting;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Calls;

/// <summary>The sweep on Blob storage (Azurite) with the default settings: the slot a stranded call held is free again.</summary>
public sealed class UnansweredCallSweepStorageTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public UnansweredCallSweepStorageTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task A_swept_call_no_longer_counts_against_its_tenants_limit_and_a_live_one_still_does()
    {
        var container = new BlobServiceClient(_azurite.Require()).GetBlobContainerClient("sweep-" + Guid.NewGuid().ToString("N")[..12]);
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryCreateAsync(Session("stranded", now)));
        Assert.True(await store.TryMoveAsync("stranded", CallState.Answering, now, null, decider: "delivery-1"));
        Assert.True(await store.TryCreateAsync(Session("live", now)));
        Assert.True(await store.TryMoveAsync("live", CallState.Answering, now, null));
        await store.UpdateAsync("live", s =>
        {
            s.CallConnectionId = "conn-live";
            return CallStateMachine.TryMoveTo(s, CallState.Connected, now) == CallTransitionResult.Applied;
        });
        Assert.Equal(2, await CountAsync(container));

        // Eleven minutes on, as the timer would see it (storage's own clock dates the index, so the sweep's runs ahead).
        var sweep = new UnansweredCallSweep(new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance), store,
            Options.Create(new FunctionsOptions()), Options.Create(new MediaWorkerOptions()), new FakeTimeProvider(now.AddMinutes(11)),
            NullLogger<UnansweredCallSweep>.Instance);
        Assert.Equal(1, await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(1, await CountAsync(container));
        var stranded = (await store.GetAsync("stranded"))!;
        Assert.Equal(CallState.Failed, stranded.State);
        Assert.Equal(UnansweredCallSweep.Reason, stranded.EndReason);
        Assert.Equal(CallState.Connected, (await store.GetAsync("live"))!.State);
    }

    private static async Task<int> CountAsync(BlobContainerClient container)
    {
        // A new counter each time: one count is cached for a second.
        using var counter = new BlobActiveCallCounter(container, new ActiveCallCounterOptions(), TimeProvider.System, NullLogger<BlobActiveCallCounter>.Instance);
        return await counter.CountActiveAsync("acme");
    }

    private static CallSession Session(string callId, DateTimeOffset at) => new()
    {
        CallId = callId,
        TenantId = "acme",
        CreatedAt = at,
        UpdatedAt = at,
        History = [new CallStateChange(CallState.Ringing, at, null)],
    };
}
