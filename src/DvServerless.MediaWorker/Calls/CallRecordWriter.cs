using System.Threading.Channels;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Appends a call's record entries in order on a background task, so the call loop never waits on storage and a failing
/// sink costs a log line, never audio. Entries that queued up while an append was under way go out together in the next
/// one (<see cref="ICallRecordSink.AppendManyAsync"/>, up to <see cref="MaxBatchEntries"/>): a slow store is caught up
/// in one request instead of one per entry. While storage is out (<see cref="StorageUnavailability"/>) the batch at the
/// head is retried with backoff on the worker's <see cref="TimeProvider"/> and later entries wait behind it (up to
/// <see cref="MaxQueuedEntries"/>), so when storage returns they are all written, in order. Any other failure drops only
/// the entry that caused it: a refused batch is tried again entry by entry.
/// </summary>
public sealed partial class CallRecordWriter : IAsyncDisposable
{
    /// <summary>Entries kept while storage is out; a call's turns are a few a minute, so this is hours of conversation.</summary>
    public const int MaxQueuedEntries = 1024;

    /// <summary>The most entries one append carries: a backlog of a long outage goes out in a few requests of bounded size.</summary>
    public const int MaxBatchEntries = 64;

    /// <summary>The first wait before retrying an append; doubled after each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(15);

    private readonly string _callId;
    private readonly ICallRecordSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<CallRecordEntry> _entries = Channel.CreateBounded<CallRecordEntry>(new BoundedChannelOptions(MaxQueuedEntries)
    {
        SingleReader = true,
        SingleWriter = true,
        // TryWrite answers false when full, so Write never blocks the call loop.
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _abort = new();
    private readonly Task _drain;
    private int _failures;
    private int _dropped;
    private int _inFlight;
    private volatile bool _closed;

    /// <summary>Starts the writer for <paramref name="callId"/>; retries wait on <paramref name="time"/>.</summary>
    public CallRecordWriter(string callId, ICallRecordSink sink, ILogger logger, TimeProvider time)
    {
        _callId = callId;
        _sink = sink;
        _logger = logger;
        _time = time;
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Entries that could not be appended: refused by the sink, dropped because the queue was full, or still queued when the writer gave up.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Entries waiting to be appended, the batch being tried included.</summary>
    public int Pending => _entries.Reader.Count + Volatile.Read(ref _inFlight);

    /// <summary>Queues an entry; never blocks and never throws. Past <see cref="MaxQueuedEntries"/> the entry is counted as lost.</summary>
    public void Write(CallRecordEntry entry)
    {
        // After the call's end an entry has nowhere to go; only a full queue loses one. The id makes its retries one line.
        if (!_entries.Writer.TryWrite(entry.WithId()) && !_closed)
        {
            Interlocked.Increment(ref _dropped);
            Interlocked.Increment(ref _failures);
        }
    }

    /// <summary>
    /// Stops accepting entries and waits up to <paramref name="timeout"/> (on the writer's clock) for the queued ones to be
    /// appended, retrying while storage is out; then logs how many could not be written.
    /// </summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _closed = true;
        _entries.Writer.TryComplete();
        try
        {
            await _drain.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var pending = Pending;
            await _abort.CancelAsync().ConfigureAwait(false);
            Interlocked.Add(ref _failures, pending);
            LogFlushTimedOut(_callId, pending, Volatile.Read(ref _dropped));
            return;
        }

        if (Volatile.Read(ref _dropped) > 0)
        {
            LogDroppedWhenFull(_callId, Volatile.Read(ref _dropped));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _entries.Writer.TryComplete();
        await _abort.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drain.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _abort.Dispose();
    }

    private async Task DrainAsync()
    {
        var reader = _entries.Reader;
        var batch = new List<CallRecordEntry>(MaxBatchEntries);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatchEntries && reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                Volatile.Write(ref _inFlight, batch.Count);
                try
                {
                    if (!await AppendBatchAsync(batch).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                finally
                {
                    Volatile.Write(ref _inFlight, 0);
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
    }

    /// <summary>Appends <paramref name="batch"/> as one write; a batch the store refuses is tried entry by entry, so only the bad entry is lost.</summary>
    private async Task<bool> AppendBatchAsync(List<CallRecordEntry> batch)
    {
        var result = await AppendWithRetriesAsync(batch).ConfigureAwait(false);
        if (result is not AppendResult.Refused)
        {
            return result is AppendResult.Done;
        }

        foreach (var entry in batch)
        {
            if (await AppendWithRetriesAsync([entry]).ConfigureAwait(false) is AppendResult.Aborted)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Appends <paramref name="entries"/>, retrying while storage is out. A refusal (not an outage) of a single entry
    /// drops it; of a batch, it is answered <see cref="AppendResult.Refused"/> for the caller to split.
    /// </summary>
    private async Task<AppendResult> AppendWithRetriesAsync(List<CallRecordEntry> entries)
    {
        var single = entries.Count == 1;
        var delay = FirstRetryDelay;
        var failedTries = 0;
        while (true)
        {
            try
            {
                if (single)
                {
                    await _sink.AppendAsync(_callId, entries[0], _abort.Token).ConfigureAwait(false);
                }
                else
                {
                    await _sink.AppendManyAsync(_callId, entries, _abort.Token).ConfigureAwait(false);
                }

                if (failedTries > 0)
                {
                    LogStorageBack(_callId, failedTries, Pending);
                }

                return AppendResult.Done;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return AppendResult.Aborted;
            }
            catch (Exception ex) when (StorageUnavailability.IsUnavailable(ex))
            {
                if (failedTries++ == 0)
                {
                    LogStorageOut(_callId, StorageUnavailableResponder.Describe(ex), Pending);
                }
            }
            catch (Exception ex) when (!single)
            {
                // Not an outage, and not known which entry the store refused: the caller tries them one at a time.
                LogBatchRefused(ex, _callId, entries.Count);
                return AppendResult.Refused;
            }
            catch (Exception ex)
            {
                // Not an outage (a bad entry, a refused request): retrying would block the rest of the record behind it.
                Interlocked.Increment(ref _failures);
                LogAppendFailed(ex, _callId, entries[0].Kind);
                return AppendResult.Done;
            }

            try
            {
                await Task.Delay(delay, _time, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return AppendResult.Aborted;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private enum AppendResult
    {
        /// <summary>Written, or a single entry refused for good and counted as a failure: go on with the next.</summary>
        Done,

        /// <summary>A batch the store refused, not for an outage.</summary>
        Refused,

        /// <summary>The writer was aborted.</summary>
        Aborted,
    }

    [LoggerMessage(EventId = 3151, Level = LogLevel.Warning, Message = "Could not append a {Kind} entry to the record of call {CallId}")]
    private partial void LogAppendFailed(Exception exception, string callId, string kind);

    [LoggerMessage(EventId = 9499, Level = LogLevel.Warning, Message = "A batch of {Count} entries for the record of call {CallId} was refused; writing them one by one")]
    private partial void LogBatchRefused(Exception exception, string callId, int count);

    [LoggerMessage(EventId = 3152, Level = LogLevel.Warning,
        Message = "Gave up appending the record of call {CallId}: {Pending} entries not written while storage was out ({Dropped} more dropped when the queue was full)")]
    private partial void LogFlushTimedOut(string callId, int pending, int dropped);

    [LoggerMessage(EventId = 8510, Level = LogLevel.Warning,
        Message = "Storage is out ({Failure}) for the record of call {CallId}: {Pending} entries kept, retrying with backoff")]
    private partial void LogStorageOut(string callId, string failure, int pending);

    [LoggerMessage(EventId = 8511, Level = LogLevel.Information,
        Message = "Storage is back for the record of call {CallId} after {FailedTries} failed tries; {Pending} entries still to write")]
    private partial void LogStorageBack(string callId, int failedTries, int pending);

    [LoggerMessage(EventId = 8512, Level = LogLevel.Warning,
        Message = "The record of call {CallId} lost {Dropped} entries: the queue was full while storage was out")]
    private partial void LogDroppedWhenFull(string callId, int dropped);
}
