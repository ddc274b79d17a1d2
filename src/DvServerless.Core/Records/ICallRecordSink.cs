namespace DvServerless.Core.Records;

/// <summary>Appends a call's record entries durably as they happen, so a crash loses at most the entries in flight.</summary>
public interface ICallRecordSink
{
    /// <summary>Appends one entry to the record of <paramref name="callId"/>.</summary>
    Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="entries"/>, in order, to the record of <paramref name="callId"/> as one write where the
    /// store allows it, so a backlog (entries kept while storage was slow or out) costs one request, not one per entry.
    /// All of them land or, on failure, the caller cannot tell which did: like a single append, a batch retried after a
    /// lost answer can land twice, and <see cref="ReadAsync"/> keeps the first line of each <see cref="CallRecordEntry.EntryId"/>.
    /// </summary>
    /// <remarks>The default appends them one by one: a store without batched writes needs nothing more.</remarks>
    async Task AppendManyAsync(string callId, IReadOnlyList<CallRecordEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await AppendAsync(callId, entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every entry of <paramref name="callId"/>, oldest first (empty when there is none).</summary>
    Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default);
}
