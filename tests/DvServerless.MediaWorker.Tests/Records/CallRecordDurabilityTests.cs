using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.MediaWorker.Tests.Records;

/// <summary>Segments reach Blob storage while the call goes on, so a worker killed mid-call loses none of them.</summary>
public sealed class CallRecordDurabilityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task Every_segment_written_before_a_kill_is_readable_by_another_process()
    {
        var connection = azurite.Require();
        var container = "transcripts-" + Guid.NewGuid().ToString("N")[..10];
        var sink = new BlobCallRecordSink(new BlobServiceClient(connection).GetBlobContainerClient(container), NullLogger<BlobCallRecordSink>.Instance);
        using var meters = new TestMeterFactory();
        using var stop = new CancellationTokenSource();
        var leg = new InMemoryCallLeg(AudioFormat.Pcm24k);
        var engine = new ScriptedEngine();
        var loop = new CallLoop("call-durable", leg, engine, new CallLoopOptions(), sink, new RecordingCallControl(), [new EndCallToolHandler()],
            TimeProvider.System, new MediaWorkerMetrics(meters), NullLogger.Instance);
        var run = loop.RunAsync(stop.Token);

        engine.Emit(new CallerTranscript("c-1", "I would like to book a table."));
        engine.Emit(new CallerTranscript("c-2", "For two people."));
        engine.Emit(new CallerTranscript("c-3", "Tonight at eight."));

        // Another process (a fresh client, as after a crash) reads the record while the call still runs: nothing waits for the end.
        var reader = new BlobCallRecordSink(new BlobServiceClient(connection).GetBlobContainerClient(container), NullLogger<BlobCallRecordSink>.Instance);
        IReadOnlyList<Core.Records.CallRecordEntry> entries = [];
        for (var i = 0; i < 200 && entries.Count < 3; i++)
        {
            await Task.Delay(25);
            entries = await reader.ReadAsync("call-durable");
        }

        Assert.False(run.IsCompleted);
        Assert.Equal(["I would like to book a table.", "For two people.", "Tonight at eight."], entries.Select(e => e.Text));
        Assert.All(entries, e => Assert.Equal("caller", e.Speaker));

        // The kill: the loop is torn down without the worker's end of call (no end marker, no minutes).
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        var after = await reader.ReadAsync("call-durable");
        Assert.Equal(3, after.Count(e => e.Kind == "turn"));
    }
}
