using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>Source-generated log messages of the SIP call-control client (event ids 4200–4209).</summary>
internal static partial class OpenAICallControlLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "SIP call {CallId}: {Operation} answered {StatusCode}")]
    public static partial void Answered(ILogger logger, string callId, string operation, int statusCode);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "SIP call {CallId}: {Operation} attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string callId, string operation, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "SIP call {CallId}: {Operation} failed with {StatusCode}: {Message}")]
    public static partial void Failed(ILogger logger, string callId, string operation, int? statusCode, string? message);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "SIP call {CallId}: {Operation} found the call gone (404)")]
    public static partial void CallGone(ILogger logger, string callId, string operation);
}
