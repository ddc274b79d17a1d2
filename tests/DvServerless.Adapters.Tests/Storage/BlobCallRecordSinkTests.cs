using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Records;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Storage;

public sealed class BlobCallRecordSinkTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobCallRecordSinkTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task Entries_read_back_in_the_order_they_were_appended()
    {
        var sink = CreateSink(out _);
        var callId = Guid.NewGuid().ToString();
        var at = new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);
        CallRecordEntry[] written =
        [
            new() { Kind = "turn", Speaker = "caller", Text = "Hello, is this the clinic?", StartMs = 120, EndMs = 1480, ItemId = "item_1", At = at },
            new() { Kind = "turn", Speaker = "agent", Text = "Yes — how can I help?", StartMs = 1700, EndMs = 2900, ItemId = "item_2", Interrupted = true, SentMs = 1200, ReceivedMs = 2400, Engine = "openai", At = at.AddSeconds(2) },
            new() { Kind = "barge-in", StartMs = 2900, ItemId = "item_2", Interrupted = true, AudioEndMs = 1100, SentMs = 1200, ReceivedMs = 2400, At = at.AddSeconds(3) },
        ];

        foreach (var entry in written)
        {
            await sink.AppendAsync(callId, entry);
        }

        Assert.Equal(written, await sink.ReadAsync(callId));
    }

    [SkippableFact]
    public async Task The_record_is_one_json_line_per_entry()
    {
        var sink = CreateSink(out var container);
        var callId = Guid.NewGuid().ToString();

        await sink.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "one", At = DateTimeOffset.UnixEpoch });
        await sink.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "agent", Text = "two", At = DateTimeOffset.UnixEpoch });

        var blob = container.GetBlobClient(callId + ".jsonl");
        Assert.Equal(Azure.Storage.Blobs.Models.BlobType.Append, (await blob.GetPropertiesAsync()).Value.BlobType);
        var lines = (await blob.DownloadContentAsync()).Value.Content.ToString().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"kind\":\"turn\",\"speaker\":\"caller\",\"text\":\"one\"", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"kind\":\"turn\",\"speaker\":\"agent\",\"text\":\"two\"", lines[1], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[2]);
    }

    [SkippableFact]
    public async Task A_batch_is_one_append_block_read_back_in_order_after_what_came_before()
    {
        var sink = CreateSink(out var container);
        var callId = Guid.NewGuid().ToString();
        var first = new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "before the outage", At = DateTimeOffset.UnixEpoch }.WithId();
        var backlog = Enumerable.Range(1, 5)
            .Select(i => new CallRecordEntry { Kind = "turn", Speaker = i % 2 == 0 ? "agent" : "caller", Text = "kept " + i, StartMs = i * 1000, At = DateTimeOffset.UnixEpoch }.WithId())
            .ToArray();

        await sink.AppendAsync(callId, first);
        await sink.AppendManyAsync(callId, backlog);

        // Two requests for six entries: the backlog went out as one block.
        var properties = (await container.GetBlobClient(callId + ".jsonl").GetPropertiesAsync()).Value;
        Assert.Equal(2, properties.BlobCommittedBlockCount);
        Assert.Equal([first, .. backlog], await sink.ReadAsync(callId));
    }

    [SkippableFact]
    public async Task A_batch_retried_after_a_lost_answer_is_read_once()
    {
        var sink = CreateSink(out _);
        var callId = Guid.NewGuid().ToString();
        var backlog = Enumerable.Range(1, 3).Select(i => new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "line " + i }.WithId()).ToArray();

        await sink.AppendManyAsync(callId, backlog);
        await sink.AppendManyAsync(callId, backlog);

        Assert.Equal(backlog, await sink.ReadAsync(callId));
    }

    [Fact]
    public void Blocks_hold_whole_lines_in_order_within_the_block_size()
    {
        var entries = Enumerable.Range(0, 40).Select(i => new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = new string(i == 20 ? 'y' : 'x', i == 20 ? 1000 : i * 7) }).ToArray();
        const int maxBytes = 600;

        var blocks = BlobCallRecordSink.Blocks(entries, maxBytes).ToArray();

        Assert.True(blocks.Length > 1);
        Assert.Contains(blocks, block => block.Length > maxBytes);
        var lines = new List<string>();
        foreach (var block in blocks)
        {
            var text = System.Text.Encoding.UTF8.GetString(block);
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            var blockLines = text.TrimEnd('\n').Split('\n');
            // A block passes the size only when one line alone does.
            Assert.True(block.Length <= maxBytes || blockLines.Length == 1, $"a block of {block.Length} bytes holds {blockLines.Length} lines");
            lines.AddRange(blockLines);
        }

        Assert.Equal(entries.Select(e => e.Text), lines.Select(line => System.Text.Json.JsonSerializer.Deserialize<CallRecordEntry>(line, StorageJson.Options)!.Text));
    }

    [SkippableFact]
    public async Task Concurrent_appends_lose_no_entry()
    {
        var sink = CreateSink(out _);
        var callId = Guid.NewGuid().ToString();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            sink.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "t" + i, StartMs = i }))));

        var read = await sink.ReadAsync(callId);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), read.Select(e => e.StartMs).Order());
    }

    [SkippableFact]
    public async Task An_unknown_call_has_an_empty_record()
    {
        var sink = CreateSink(out _);

        Assert.Empty(await sink.ReadAsync(Guid.NewGuid().ToString()));
    }

    [SkippableTheory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task Unsafe_call_ids_are_refused(string callId)
    {
        var sink = CreateSink(out _);

        await Assert.ThrowsAsync<ArgumentException>(() => sink.AppendAsync(callId, new CallRecordEntry { Kind = "turn" }));
        await Assert.ThrowsAsync<ArgumentException>(() => sink.ReadAsync(callId));
    }

    private BlobCallRecordSink CreateSink(out BlobContainerClient container)
    {
        var connectionString = _azurite.Require();
        container = new BlobServiceClient(connectionString).GetBlobContainerClient("transcripts-" + Guid.NewGuid().ToString("N")[..12]);
        return new BlobCallRecordSink(container, NullLogger<BlobCallRecordSink>.Instance);
    }
}
