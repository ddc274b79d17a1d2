using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Faults;

/// <summary>The log messages of REST-fault injection (event id 9430; 9431–9449 are kept for REST faults).</summary>
internal static partial class RestFaultLog
{
    [LoggerMessage(EventId = 9430, Level = LogLevel.Information, Message = "Simulator injected {StatusCode} for '{Operation}' (the fault plan; retry headers: {RetryHeaders})")]
    public static partial void Injected(ILogger logger, int statusCode, string operation, string retryHeaders);

    /// <summary>Logs <paramref name="answer"/> for <paramref name="operation"/>.</summary>
    public static void Injected(ILogger logger, string operation, RestFaultAnswer answer) =>
        Injected(logger, answer.StatusCode, operation, answer.Headers.Count == 0 ? "none" : string.Join(", ", answer.Headers.Select(h => h.Key + ": " + h.Value)));
}
