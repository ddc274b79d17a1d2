using Microsoft.Extensions.Logging;
using Polly;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// The resilience pipeline of the call-control HTTP client (<see cref="OpenAIRestResilience"/>): a bounded retry (<see cref="OpenAICallControlOptions.MaxAttempts"/>,
/// doubling from <see cref="OpenAICallControlOptions.InitialRetryDelay"/>, no jitter, on the injected clock) of 5xx, 429,
/// timeouts and transport failures, honouring <c>Retry-After</c> up to <see cref="OpenAICallControlOptions.MaxRetryAfter"/>,
/// around a per-attempt timeout (<see cref="OpenAICallControlOptions.RequestTimeout"/>).
/// </summary>
/// <remarks>
/// accept, reject, refer and hangup are POSTs but are retried as before: a 5xx or a lost answer leaves the call undecided,
/// and OpenAI answers a repeat for a call it already acted on with an error, never with a second action. 4xx (other than
/// 429) are final and never retried.
/// </remarks>
public static class OpenAICallControlResilience
{
    /// <summary>The pipeline's name (the handler is named <c>{client}-{this}</c>).</summary>
    public const string PipelineName = "call-control";

    /// <summary>The resilience-context key the client sets to the call id, for the retry log.</summary>
    public static readonly ResiliencePropertyKey<string> CallIdKey = new("dvs.call-control.call-id");

    /// <summary>The resilience-context key the client sets to the operation (<c>accept</c>, …), for the retry log.</summary>
    public static readonly ResiliencePropertyKey<string> OperationKey = new("dvs.call-control.operation");

    /// <summary>The resilience-context key the pipeline sets to the number of requests sent so far.</summary>
    public static ResiliencePropertyKey<int> AttemptsKey => OpenAIRestResilience.AttemptsKey;

    /// <summary>Adds the <see cref="OpenAIRestResilience"/> retry and per-attempt timeout, logging each retry with the call id.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, OpenAICallControlOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        OpenAIRestResilience.Configure(
            builder,
            new OpenAIRetrySettings(options.MaxAttempts, options.InitialRetryDelay, options.RequestTimeout, options.MaxRetryAfter),
            time,
            (context, attempt, reason, delayMs) => OpenAICallControlLog.Retrying(
                logger,
                context.Properties.GetValue(CallIdKey, "-"),
                context.Properties.GetValue(OperationKey, "-"),
                attempt,
                reason,
                delayMs));
    }
}
