using System.Collections.Concurrent;
using Azure;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// A call's transcript survives a storage outage: segments that fail to write are kept in order and retried on the
/// worker's clock, all written once storage returns; at the call's end the writer tries for a bounded time and then says
/// how many it could not write, without their text.
/// </summary>
public sealed class CallRecordWriterOutageTests
{
    private const string CallId = "call-outage-1";

    [Fact]
    public async Task Segments_written_while_storage_is_out_are_all_written_in_order_when_it_returns()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);

        writer.Write(Turn("one"));
        writer.Write(Turn("two"));
        await WaitUntilAsync(() => sink.Attempts >= 1);
        writer.Write(Turn("three"));
        // Retried with backoff on the fake clock while storage stays out: nothing is written, nothing is given up.
        await AdvanceUntilAsync(time, () => sink.Attempts >= 4);
        Assert.Empty(sink.Written);
        Assert.Equal(3, writer.Pending);
        Assert.Equal(0, writer.Failures);

        sink.Down = false;
        writer.Write(Turn("four"));
        await AdvanceUntilAsync(time, () => sink.Written.Count == 4);

        Assert.Equal(["one", "two", "three", "four"], sink.Written.Select(e => e.Text));
        Assert.Equal(0, writer.Failures);
        await writer.CompleteAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task A_backlog_kept_while_storage_was_out_is_caught_up_in_one_write_per_batch()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);

        writer.Write(Turn("head"));
        await WaitUntilAsync(() => sink.Attempts >= 1);
        // The head is being retried; a long outage's worth of entries queues behind it.
        var backlog = Enumerable.Range(1, CallRecordWriter.MaxBatchEntries + 6).Select(i => "kept " + i).ToArray();
        foreach (var text in backlog)
        {
            writer.Write(Turn(text));
        }

        sink.Down = false;
        await AdvanceUntilAsync(time, () => sink.Written.Count == backlog.Length + 1);

        Assert.Equal(["head", .. backlog], sink.Written.Select(e => e.Text));
        // The head, then the backlog in batches of at most MaxBatchEntries: three writes, not seventy-one.
        Assert.Equal([1, CallRecordWriter.MaxBatchEntries, 6], sink.Writes);
        Assert.Equal(0, writer.Failures);
    }

    [Fact]
    public async Task A_batch_the_store_refuses_is_written_entry_by_entry_and_only_the_bad_entry_is_lost()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true, RefuseText = "bad" };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);

        writer.Write(Turn("head"));
        await WaitUntilAsync(() => sink.Attempts >= 1);
        writer.Write(Turn("before"));
        writer.Write(Turn("bad"));
        writer.Write(Turn("after"));
        sink.Down = false;
        await AdvanceUntilAsync(time, () => sink.Written.Count == 3);
        await writer.CompleteAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["head", "before", "after"], sink.Written.Select(e => e.Text));
        Assert.Equal(1, writer.Failures);
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task Retries_back_off_rather_than_hammering_storage()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);

        writer.Write(Turn("one"));
        await WaitUntilAsync(() => sink.Attempts == 1);
        // 0.5 s, 1 s, 2 s, 4 s … after each failure: a minute of outage costs a handful of requests, not thousands.
        for (var second = 0; second < 60; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        Assert.InRange(sink.Attempts, 5, 10);
    }

    [Fact]
    public async Task At_the_call_end_the_writer_gives_up_after_its_budget_and_logs_counts_without_content()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var writer = new CallRecordWriter(CallId, sink, loggers.CreateLogger("records"), time);
        writer.Write(Turn("my card number is 4111"));
        writer.Write(Turn("second secret segment"));
        await WaitUntilAsync(() => sink.Attempts >= 1);

        var completing = writer.CompleteAsync(TimeSpan.FromSeconds(5));
        await AdvanceUntilAsync(time, () => completing.IsCompleted);
        await completing;

        Assert.Empty(sink.Written);
        Assert.Equal(2, writer.Failures);
        var gaveUp = Assert.Single(logs.Messages, m => m.Contains("Gave up appending", StringComparison.Ordinal));
        Assert.Contains("2 entries not written", gaveUp, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("4111", StringComparison.Ordinal) || m.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_the_call_end_storage_that_returns_within_the_budget_gets_every_segment()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);
        writer.Write(Turn("one"));
        writer.Write(Turn("two"));
        await WaitUntilAsync(() => sink.Attempts >= 1);

        var completing = writer.CompleteAsync(TimeSpan.FromSeconds(30));
        await AdvanceUntilAsync(time, () => sink.Attempts >= 3);
        sink.Down = false;
        await AdvanceUntilAsync(time, () => completing.IsCompleted);
        await completing;

        Assert.Equal(["one", "two"], sink.Written.Select(e => e.Text));
        Assert.Equal(0, writer.Failures);
    }

    [Fact]
    public async Task The_queue_is_bounded_and_what_it_keeps_stays_in_order()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { Down = true };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);
        writer.Write(Turn("0"));
        await WaitUntilAsync(() => sink.Attempts >= 1);

        // One in flight plus a full queue; the rest are counted as lost.
        for (var i = 1; i <= CallRecordWriter.MaxQueuedEntries + 10; i++)
        {
            writer.Write(Turn(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(10, writer.Failures);
        sink.Down = false;
        await AdvanceUntilAsync(time, () => sink.Written.Count == CallRecordWriter.MaxQueuedEntries + 1);
        Assert.Equal(Enumerable.Range(0, CallRecordWriter.MaxQueuedEntries + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            sink.Written.Select(e => e.Text));
    }

    [Fact]
    public async Task A_segment_the_store_refuses_for_good_is_skipped_and_the_rest_go_on()
    {
        var time = new FakeTimeProvider();
        var sink = new FlakySink { RefuseText = "bad" };
        await using var writer = new CallRecordWriter(CallId, sink, NullLoggerFor(), time);

        writer.Write(Turn("one"));
        writer.Write(Turn("bad"));
        writer.Write(Turn("three"));
        await writer.CompleteAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["one", "three"], sink.Written.Select(e => e.Text));
        Assert.Equal(1, writer.Failures);
    }

    private static CallRecordEntry Turn(string text) => new() { Kind = "turn", Speaker = "caller", Text = text };

    private static Microsoft.Extensions.Logging.Abstractions.NullLogger NullLoggerFor() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met in time");
            await Task.Delay(5);
        }
    }

    // The writer registers its backoff timer on its own thread: advance in steps until it has done what the test waits for.
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met in time");
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(5);
        }
    }

    /// <summary>A record store that answers 503 while <see cref="Down"/> and refuses one text for good (400).</summary>
    private sealed class FlakySink : ICallRecordSink
    {
        private int _attempts;

        public volatile bool Down;

        public string? RefuseText { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        public ConcurrentQueue<CallRecordEntry> Written { get; } = new();

        /// <summary>The size of every write that landed, one entry or a batch.</summary>
        public ConcurrentQueue<int> Writes { get; } = new();

        public Task AppendManyAsync(string callId, IReadOnlyList<CallRecordEntry> entries, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            if (Down)
            {
                throw new RequestFailedException(503, "Service Unavailable");
            }

            if (entries.Any(entry => entry.Text == RefuseText))
            {
                throw new RequestFailedException(400, "Bad Request");
            }

            foreach (var entry in entries)
            {
                Written.Enqueue(entry);
            }

            Writes.Enqueue(entries.Count);
            return Task.CompletedTask;
        }

        public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            if (Down)
            {
                throw new RequestFailedException(503, "Service Unavailable");
            }

            if (entry.Text == RefuseText)
            {
                throw new RequestFailedException(400, "Bad Request");
            }

            Written.Enqueue(entry);
            Writes.Enqueue(1);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CallRecordEntry>>(Written.ToList());
    }
}
