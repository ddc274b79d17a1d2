using DvServerless.Core.Records;

namespace DvServerless.Adapters.Minutes;

/// <summary>
/// The last line the media worker appends to a call's record once every segment is written
/// (<see cref="CallRecordEntry.Kind"/> <c>call-end</c>). The Functions app waits briefly for it on CallDisconnected, so
/// minutes rendered there do not miss the segments still being flushed by the worker.
/// </summary>
public static class CallEndMarker
{
    /// <summary>The entry kind.</summary>
    public const string Kind = "call-end";

    /// <summary>Whether <paramref name="entries"/> hold the worker's end marker.</summary>
    public static bool IsPresent(IReadOnlyList<CallRecordEntry> entries) =>
        entries is not null && entries.Any(e => e.Kind == Kind);
}
