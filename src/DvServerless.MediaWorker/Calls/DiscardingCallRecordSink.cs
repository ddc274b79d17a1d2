using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The record sink used only when no storage registered one: calls still run, their records are dropped, and the first
/// append says so in the log.
/// </summary>
public sealed partial class DiscardingCallRecordSink(ILogger<DiscardingCallRecordSink> logger) : ICallRecordSink
{
    private int _warned;

    /// <inheritdoc />
    public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogNoStorage();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CallRecordEntry>>([]);

    [LoggerMessage(EventId = 3351, Level = LogLevel.Warning, Message = "No call record storage is registered; call records are discarded")]
    private partial void LogNoStorage();
}
