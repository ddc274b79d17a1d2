using DvServerless.Core.Records;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>Keeps appended entries in memory; can be told to fail every append.</summary>
public sealed class RecordingCallRecordSink : ICallRecordSink
{
    private readonly List<(string CallId, CallRecordEntry Entry)> _entries = [];

    public bool Fail { get; set; }

    public IReadOnlyList<CallRecordEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.Select(e => e.Entry).ToArray();
            }
        }
    }

    public async Task<IReadOnlyList<CallRecordEntry>> WaitForAsync(Func<IReadOnlyList<CallRecordEntry>, bool> condition)
    {
        for (var i = 0; !condition(Entries); i++)
        {
            if (i > 5000)
            {
                throw new TimeoutException($"Record entries never matched; have {Entries.Count}.");
            }

            await Task.Delay(1);
        }

        return Entries;
    }

    public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new InvalidOperationException("storage is down");
        }

        lock (_entries)
        {
            _entries.Add((callId, entry));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default)
    {
        lock (_entries)
        {
            return Task.FromResult<IReadOnlyList<CallRecordEntry>>(_entries.Where(e => e.CallId == callId).Select(e => e.Entry).ToArray());
        }
    }
}
