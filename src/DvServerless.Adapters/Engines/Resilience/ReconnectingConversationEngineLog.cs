using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Source-generated log messages of <see cref="ReconnectingConversationEngine"/> and its parts (event ids 3761–3765,
/// 9450–9451, 9480–9491, 9520). Nothing is logged per audio frame; tool outputs and arguments are never logged.
/// </summary>
internal static partial class ReconnectingConversationEngineLog
{
    [LoggerMessage(EventId = 3761, Level = LogLevel.Warning, Message = "Call {CallId}: the engine connection dropped ({Reason}); reconnecting")]
    public static partial void Dropped(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 3762, Level = LogLevel.Information, Message = "Call {CallId}: the engine reconnected on attempt {Attempt}, the conversation replayed")]
    public static partial void Reconnected(ILogger logger, string callId, int attempt);

    [LoggerMessage(EventId = 3763, Level = LogLevel.Information, Message = "Call {CallId}: handed over to a fresh engine session before the session limit")]
    public static partial void HandedOver(ILogger logger, string callId);

    [LoggerMessage(EventId = 3764, Level = LogLevel.Warning, Message = "Call {CallId}: an engine reconnect attempt failed: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 3765, Level = LogLevel.Error, Message = "Call {CallId}: the engine could not be reconnected after {Attempts} attempts; ending the call")]
    public static partial void GaveUp(ILogger logger, string callId, int attempts);

    [LoggerMessage(EventId = 9450, Level = LogLevel.Information, Message = "Call {CallId}: the drop cut the agent off in item {ItemId} after {Characters} characters of its answer")]
    public static partial void CutOff(ILogger logger, string callId, string itemId, int characters);

    [LoggerMessage(EventId = 9451, Level = LogLevel.Information, Message = "Call {CallId}: the agent was answering when the engine dropped; the new session answers at once")]
    public static partial void Resuming(ILogger logger, string callId);

    [LoggerMessage(EventId = 9480, Level = LogLevel.Information, Message = "Call {CallId}: tool {ToolName} ({ToolCallId}) had no result yet when the engine dropped; the result will go to the next session")]
    public static partial void ToolCallOrphaned(ILogger logger, string callId, string toolName, string toolCallId);

    [LoggerMessage(EventId = 9481, Level = LogLevel.Information, Message = "Call {CallId}: the result of tool {ToolName} ({ToolCallId}) is held until the engine is back")]
    public static partial void ToolResultHeld(ILogger logger, string callId, string toolName, string toolCallId);

    [LoggerMessage(EventId = 9482, Level = LogLevel.Information, Message = "Call {CallId}: {Count} tool result(s) of a dropped session given to the new session as a note, with a response requested")]
    public static partial void ToolResultsNoted(ILogger logger, string callId, int count);

    [LoggerMessage(EventId = 9483, Level = LogLevel.Debug, Message = "Call {CallId}: a second result for tool call {ToolCallId} of a dropped session ignored")]
    public static partial void ToolResultDuplicate(ILogger logger, string callId, string toolCallId);

    [LoggerMessage(EventId = 9490, Level = LogLevel.Information, Message = "Call {CallId}: a system note for the agent is held until the engine is back")]
    public static partial void SystemNoteHeld(ILogger logger, string callId);

    [LoggerMessage(EventId = 9491, Level = LogLevel.Information, Message = "Call {CallId}: {Count} system note(s) held while reconnecting given to the new session")]
    public static partial void SystemNotesGiven(ILogger logger, string callId, int count);

    [LoggerMessage(EventId = 9520, Level = LogLevel.Warning, Message = "Call {CallId}: a note for the agent found the engine connection gone before the drop was seen; notes and tool results are held until the engine is back")]
    public static partial void ConnectionGoneOnSend(ILogger logger, string callId);
}
