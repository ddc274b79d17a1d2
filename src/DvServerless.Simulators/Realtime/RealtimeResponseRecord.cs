namespace DvServerless.Simulators.Realtime;

/// <summary>One finished response (completed or cancelled).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ResponseId">The <c>resp_…</c> id.</param>
/// <param name="ItemId">The output item (assistant message or function call).</param>
/// <param name="Text">The full reply text (the transcript the agent would have said), or the function arguments.</param>
/// <param name="ProducedAudioMs">Agent audio sent for the item before the response ended.</param>
/// <param name="Status"><c>completed</c> or <c>cancelled</c>.</param>
/// <param name="StatusReason"><c>turn_detected</c> or <c>client_cancelled</c> when cancelled.</param>
/// <param name="ToolName">The function called, for a function-call response.</param>
public sealed record RealtimeResponseRecord(
    string SessionId,
    string ResponseId,
    string ItemId,
    string Text,
    double ProducedAudioMs,
    string Status,
    string? StatusReason,
    string? ToolName);
