namespace DvServerless.Core.Records;

/// <summary>Appends a call's record entries durably as they happen, so a crash loses at most the entry in flight.</summary>
public interface ICallRecordSink
{
    /// <summary>Appends one entry to the record of <paramref name="callId"/>.</summary>
    Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads every entry of <paramref name="callId"/>, oldest first (empty when there is none).</summary>
    Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default);
}
