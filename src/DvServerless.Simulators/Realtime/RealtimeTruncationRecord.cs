namespace DvServerless.Simulators.Realtime;

/// <summary>One <c>conversation.item.truncate</c> the client sent, and whether the simulator accepted it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ItemId">The item named by the client.</param>
/// <param name="ContentIndex">The content index named by the client.</param>
/// <param name="AudioEndMs">The played length the client reported.</param>
/// <param name="ProducedAudioMs">Agent audio produced for the item at that moment (0 for an unknown item).</param>
/// <param name="Accepted">True when <c>conversation.item.truncated</c> was sent, false when an error was.</param>
public sealed record RealtimeTruncationRecord(
    string SessionId,
    string ItemId,
    int ContentIndex,
    long AudioEndMs,
    double ProducedAudioMs,
    bool Accepted);
