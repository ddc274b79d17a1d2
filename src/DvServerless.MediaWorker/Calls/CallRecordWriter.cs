using System.Threading.Channels;
using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Appends a call's record entries in order on a background task, so the call loop never waits on storage and a failing
/// sink costs a log line, never audio.
/// </summary>
public sealed partial class CallRecordWriter : IAsyncDisposable
{
    private readonly string _callId;
    private readonly ICallRecordSink _sink;
    private readonly ILogger _logger;
    private readonly Channel<CallRecordEntry> _entries = Channel.CreateUnbounded<CallRecordEntry>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _drain;

    /// <summary>Starts the writer for <paramref name="callId"/>.</summary>
    public CallRecordWriter(string callId, ICallRecordSink sink, ILogger logger)
    {
        _callId = callId;
        _sink = sink;
        _logger = logger;
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Entries that could not be appended.</summary>
    public int Failures { get; private set; }

    /// <summary>Queues an entry; never blocks and never throws.</summary>
    public void Write(CallRecordEntry entry) => _entries.Writer.TryWrite(entry);

    /// <summary>Stops accepting entries and waits up to <paramref name="timeout"/> for the queued ones to be appended.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _entries.Writer.TryComplete();
        try
        {
            await _drain.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogFlushTimedOut(_callId, _entries.Reader.Count);
            await _abort.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
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
        await foreach (var entry in _entries.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
        {
            try
            {
                await _sink.AppendAsync(_callId, entry, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failures++;
                LogAppendFailed(ex, _callId, entry.Kind);
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Could not append a {Kind} entry to the record of call {CallId}")]
    private partial void LogAppendFailed(Exception exception, string callId, string kind);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Gave up appending the record of call {CallId}: {Pending} entries still queued")]
    private partial void LogFlushTimedOut(string callId, int pending);
}
