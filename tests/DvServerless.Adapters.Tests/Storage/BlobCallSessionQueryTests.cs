using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Storage;

public sealed class BlobCallSessionQueryTests : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly AzuriteFixture _azurite;

    public BlobCallSessionQueryTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task A_tenant_listing_returns_its_newest_sessions_and_opens_no_other_tenants_documents()
    {
        var (container, downloads) = NewContainer();
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        for (var i = 0; i < 6; i++)
        {
            Assert.True(await store.TryCreateAsync(NewSession($"acme-{i}", "acme", Start.AddMinutes(i))));
            Assert.True(await store.TryCreateAsync(NewSession($"contoso-{i}", "contoso", Start.AddMinutes(i))));
        }

        downloads.Clear();
        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);
        var sessions = await query.ListAsync("acme", limit: 3);

        Assert.Equal(["acme-5", "acme-4", "acme-3"], sessions.Select(s => s.CallId));
        Assert.Equal(["acme-3.json", "acme-4.json", "acme-5.json"], downloads.Names.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task The_tenant_set_by_a_later_update_is_what_the_listing_filters_on()
    {
        var (container, _) = NewContainer();
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        Assert.True(await store.TryCreateAsync(NewSession("routed-late", tenantId: null, Start)));
        await store.UpdateAsync("routed-late", s =>
        {
            s.TenantId = "acme";
            return true;
        });

        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);

        Assert.Equal(["routed-late"], (await query.ListAsync("acme", 10)).Select(s => s.CallId));
        Assert.Empty(await query.ListAsync("contoso", 10));
        Assert.Equal(["routed-late"], (await query.ListAsync(null, 10)).Select(s => s.CallId));
    }

    [SkippableFact]
    public async Task A_listing_asks_storage_only_for_the_entries_it_returns_however_many_sessions_are_stored()
    {
        var (container, downloads) = NewContainer();
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(await store.TryCreateAsync(NewSession($"contoso-{i}", "contoso", Start.AddMinutes(i))));
        }

        Assert.True(await store.TryCreateAsync(NewSession("acme-old", "acme", Start)));
        Assert.True(await store.TryCreateAsync(NewSession("acme-new", "acme", Start.AddHours(1))));
        downloads.Clear();
        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);

        Assert.Equal(["acme-new"], (await query.ListAsync("acme", 1)).Select(s => s.CallId));
        Assert.Equal(["listing/tenant/acme/"], downloads.Listings);
        Assert.Equal(["acme-new.json"], downloads.Names);

        downloads.Clear();
        Assert.Equal(["acme-new", "contoso-29", "contoso-28"], (await query.ListAsync(null, 3)).Select(s => s.CallId));
        Assert.Equal(["listing/all/"], downloads.Listings);
        Assert.Equal(3, downloads.Names.Count);
    }

    [SkippableFact]
    public async Task An_unreadable_document_is_skipped_and_the_rest_listed()
    {
        var (container, _) = NewContainer();
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        Assert.True(await store.TryCreateAsync(NewSession("good", "acme", Start)));
        Assert.True(await store.TryCreateAsync(NewSession("broken", "acme", Start.AddMinutes(1))));
        await container.GetBlobClient("broken.json").UploadAsync(BinaryData.FromString("{ not json"), overwrite: true);

        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);

        Assert.Equal(["good"], (await query.ListAsync(null, 10)).Select(s => s.CallId));
        Assert.Equal(["good"], (await query.ListAsync("acme", 10)).Select(s => s.CallId));
    }

    [SkippableFact]
    public async Task The_open_listing_names_every_unfinished_session_with_its_state_and_last_write_and_opens_no_document()
    {
        var (container, downloads) = NewContainer();
        var store = new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
        Assert.True(await store.TryCreateAsync(NewSession("ringing", "acme", Start)));
        Assert.True(await store.TryCreateAsync(NewSession("answering", null, Start)));
        await store.UpdateAsync("answering", s => CallStateMachine.TryMoveTo(s, CallState.Answering, Start) == CallTransitionResult.Applied);
        Assert.True(await store.TryCreateAsync(NewSession("ended", "acme", Start)));
        await store.UpdateAsync("ended", s => CallStateMachine.TryMoveTo(s, CallState.Ended, Start) == CallTransitionResult.Applied);
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        downloads.Clear();

        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);
        var open = new List<OpenCallSession>();
        await foreach (var session in query.ListOpenAsync())
        {
            open.Add(session);
        }

        Assert.Equal(
            [("answering", null, CallState.Answering), ("ringing", "acme", CallState.Ringing)],
            open.OrderBy(o => o.CallId, StringComparer.Ordinal).Select(o => (o.CallId, o.TenantId, o.State)));
        // The last write as storage timed it (the marker's), not the session's own clock.
        Assert.All(open, o => Assert.InRange(o.LastWritten, before, DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.Empty(downloads.Names);
        Assert.Equal([SessionIndexBlobs.OpenPrefix], downloads.Listings);
    }

    [SkippableFact]
    public async Task The_open_listing_of_a_store_never_written_is_empty()
    {
        var (container, _) = NewContainer();

        var query = new BlobCallSessionQuery(container, NullLogger<BlobCallSessionQuery>.Instance);

        await foreach (var session in query.ListOpenAsync())
        {
            Assert.Fail("Listed " + session.CallId + " from a store with no session.");
        }
    }

    private (BlobContainerClient Container, BlobDownloadLog Downloads) NewContainer() =>
        BlobDownloadLog.NewContainer(_azurite.Require(), "sessions-");

    private static CallSession NewSession(string callId, string? tenantId, DateTimeOffset at) => new()
    {
        CallId = callId,
        TenantId = tenantId,
        CreatedAt = at,
        UpdatedAt = at,
        History = [new CallStateChange(CallState.Ringing, at, null)],
    };
}
