using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Storage;

public sealed class BlobCallSessionStoreTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobCallSessionStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task Creating_the_same_call_twice_creates_it_once()
    {
        var store = CreateStore(out _);
        var callId = NewCallId();

        Assert.True(await store.TryCreateAsync(NewSession(callId, from: "4:+14255550123")));
        Assert.False(await store.TryCreateAsync(NewSession(callId, from: "4:+19995550000")));

        var stored = await store.GetAsync(callId);
        Assert.NotNull(stored);
        Assert.Equal("4:+14255550123", stored.From);
    }

    [SkippableFact]
    public async Task Concurrent_creates_of_one_call_let_exactly_one_win()
    {
        var store = CreateStore(out _);
        var callId = NewCallId();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryCreateAsync(NewSession(callId))));

        Assert.Single(results, r => r);
    }

    [SkippableFact]
    public async Task A_session_round_trips_with_every_field()
    {
        var store = CreateStore(out _);
        var callId = NewCallId();
        var at = new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);
        var session = NewSession(callId, at: at);
        session.CallConnectionId = "411f0b00-81e4-4b1a-9a86-d0b5c2b2a4c1";
        session.ServerCallId = "aHR0cHM6Ly9leGFtcGxl";
        session.CorrelationId = "7c1a6b5e-0000-4bbb-8ccc-1234567890ab";
        session.Metadata["crm"] = "42";
        CallStateMachine.TryMoveTo(session, CallState.Answering, at.AddSeconds(1), "answering");

        Assert.True(await store.TryCreateAsync(session));
        var stored = await store.GetAsync(callId);

        Assert.NotNull(stored);
        Assert.Equal(callId, stored.CallId);
        Assert.Equal(CallChannel.Acs, stored.Channel);
        Assert.Equal(CallState.Answering, stored.State);
        Assert.Equal(session.CallConnectionId, stored.CallConnectionId);
        Assert.Equal(session.ServerCallId, stored.ServerCallId);
        Assert.Equal(session.CorrelationId, stored.CorrelationId);
        Assert.Equal(at, stored.CreatedAt);
        Assert.Equal(at.AddSeconds(1), stored.UpdatedAt);
        Assert.Equal(
            [new CallStateChange(CallState.Ringing, at, null), new CallStateChange(CallState.Answering, at.AddSeconds(1), "answering")],
            stored.History);
        Assert.Equal("42", stored.Metadata["crm"]);
    }

    [SkippableFact]
    public async Task The_document_is_camel_case_json_with_enum_names()
    {
        var store = CreateStore(out var container);
        var callId = NewCallId();
        Assert.True(await store.TryCreateAsync(NewSession(callId)));

        var json = (await container.GetBlobClient(callId + ".json").DownloadContentAsync()).Value.Content.ToString();

        Assert.Contains("\"callId\":\"" + callId + "\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"ringing\"", json, StringComparison.Ordinal);
        Assert.Contains("\"channel\":\"acs\"", json, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Concurrent_updates_are_all_applied()
    {
        var store = CreateStore(out _);
        var callId = NewCallId();
        Assert.True(await store.TryCreateAsync(NewSession(callId)));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => store.UpdateAsync(callId, s =>
        {
            s.Metadata["writer-" + i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }))));

        var stored = await store.GetAsync(callId);
        Assert.NotNull(stored);
        Assert.Equal(10, stored.Metadata.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.Metadata["writer-" + i]);
        }
    }

    [SkippableFact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var store = CreateStore(out var container);
        var callId = NewCallId();
        Assert.True(await store.TryCreateAsync(NewSession(callId)));
        var blob = container.GetBlobClient(callId + ".json");
        var before = (await blob.GetPropertiesAsync()).Value.ETag;

        var result = await store.UpdateAsync(callId, _ => false);

        Assert.NotNull(result);
        Assert.Equal(before, (await blob.GetPropertiesAsync()).Value.ETag);
    }

    [SkippableFact]
    public async Task Unknown_calls_read_and_update_as_null()
    {
        var store = CreateStore(out _);
        var mutated = false;

        Assert.Null(await store.GetAsync(NewCallId()));
        Assert.Null(await store.UpdateAsync(NewCallId(), _ => mutated = true));
        Assert.False(mutated);
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("../sessions/other")]
    [InlineData("a/b")]
    [InlineData("call id")]
    [InlineData("-leading-dash")]
    [InlineData("x.json")]
    public async Task Unsafe_call_ids_are_refused(string callId)
    {
        var store = CreateStore(out _);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(callId));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryCreateAsync(NewSession(callId)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpdateAsync(callId, _ => true));
    }

    private BlobCallSessionStore CreateStore(out BlobContainerClient container)
    {
        var connectionString = _azurite.Require();
        // A container per test keeps tests independent inside one Azurite instance.
        container = new BlobServiceClient(connectionString).GetBlobContainerClient("sessions-" + Guid.NewGuid().ToString("N")[..12]);
        return new BlobCallSessionStore(container, NullLogger<BlobCallSessionStore>.Instance);
    }

    private static string NewCallId() => Guid.NewGuid().ToString();

    private static CallSession NewSession(string callId, string? from = null, DateTimeOffset? at = null)
    {
        var time = at ?? DateTimeOffset.UnixEpoch;
        return new CallSession
        {
            CallId = callId,
            From = from,
            CreatedAt = time,
            UpdatedAt = time,
            History = [new CallStateChange(CallState.Ringing, time, null)],
        };
    }
}
