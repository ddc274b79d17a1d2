using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>Log messages of the offline speech parts (event ids 8100–8199). Transcripts are never logged.</summary>
internal static partial class OfflineSpeechLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "pocketsphinx decoder loaded in {ElapsedMs:F0} ms ({Mode}).")]
    public static partial void DecoderLoaded(ILogger logger, double elapsedMs, string mode);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Debug, Message = "Offline recognition started for call {CallId}.")]
    public static partial void RecognitionStarted(ILogger logger, string callId);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Offline recognition of call {CallId} failed: {Reason}.")]
    public static partial void RecognitionFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "Offline recognition of call {CallId}: turn of {SpeechMs:F0} ms, final computed in {ComputeMs:F1} ms.")]
    public static partial void TurnRecognized(ILogger logger, string callId, double speechMs, double computeMs);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "pocketsphinx decoders could not be preloaded: {Reason}.")]
    public static partial void WarmUpFailed(ILogger logger, string reason);
}
