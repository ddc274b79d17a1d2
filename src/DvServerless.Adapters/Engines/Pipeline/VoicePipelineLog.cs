using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>Source-generated log messages of the voice pipeline (event ids 8220–8229).</summary>
internal static partial class VoicePipelineLog
{
    [LoggerMessage(EventId = 8220, Level = LogLevel.Warning, Message = "Call {CallId}: the voice pipeline's {Hook} hook failed")]
    public static partial void HookFailed(ILogger logger, Exception exception, string callId, string hook);
}
