using DvServerless.Core.Audio;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// Source-generated log messages of the call loop (event ids 3200-3299). Nothing is logged per audio frame.
public sealed partial class CallLoop
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Call {CallId} started: leg {LegFormat}, engine {Engine} ({EngineFormat})")]
    private partial void LogCallStarted(string callId, AudioFormat legFormat, string engine, AudioFormat engineFormat);

    [LoggerMessage(EventId = 3251, Level = LogLevel.Information, Message = "Call {CallId} ended ({Reason}); {FramesSent} agent frames sent")]
    private partial void LogCallEnded(string callId, CallEndReason reason, long framesSent);

    [LoggerMessage(EventId = 3252, Level = LogLevel.Information, Message = "Call {CallId}: the leg closed before any media arrived")]
    private partial void LogLegClosedBeforeMedia(string callId);

    [LoggerMessage(EventId = 3253, Level = LogLevel.Error, Message = "Call {CallId} failed")]
    private partial void LogCallFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Call {CallId}: sending caller audio to the engine failed")]
    private partial void LogCallerPathFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Call {CallId}: reading engine events failed")]
    private partial void LogEnginePathFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information, Message = "Call {CallId}: barge-in on item {ItemId}, truncated at {AudioEndMs} ms (sent {SentMs} ms, received {ReceivedMs} ms)")]
    private partial void LogBargeIn(string callId, string itemId, int audioEndMs, int sentMs, int receivedMs);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Call {CallId}: engine error {Code}: {Message}")]
    private partial void LogEngineError(string callId, string code, string message);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Information, Message = "Call {CallId}: engine closed ({Reason})")]
    private partial void LogEngineClosed(string callId, string reason);

    [LoggerMessage(EventId = 3211, Level = LogLevel.Information, Message = "Call {CallId}: the agent ends the call ({Tool})")]
    private partial void LogAgentEndsCall(string callId, string tool);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "Call {CallId}: {What} failed during clean-up")]
    private partial void LogCleanupFailed(Exception exception, string callId, string what);

    [LoggerMessage(EventId = 9498, Level = LogLevel.Warning, Message = "Call {CallId}: the caller's utterance {ItemId} could not be transcribed ({Reason}); recorded as not transcribed")]
    private partial void LogCallerNotTranscribed(string callId, string itemId, string reason);
}
