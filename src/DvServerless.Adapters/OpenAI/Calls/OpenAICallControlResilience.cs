using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// The resilience pipeline of the call-control HTTP client: a bounded retry (<see cref="OpenAICallControlOptions.MaxAttempts"/>,
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
    public static readonly ResiliencePropertyKey<int> AttemptsKey = new("dvs.call-control.attempts");

    /// <summary>Adds the retry and the per-attempt timeout to <paramref name="builder"/>.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, OpenAICallControlOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        builder.TimeProvider = time;
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                Delay = options.InitialRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                // Read here instead, so that a Retry-After longer than we may wait stops the retries (ShouldHandle).
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options, time)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, time) : null),
                OnRetry = args =>
                {
                    args.Context.Properties.Set(AttemptsKey, args.AttemptNumber + 2);
                    var reason = args.Outcome.Result is { } response
                        ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                        : args.Outcome.Exception is TimeoutRejectedException ? "timed out" : "transport failure";
                    OpenAICallControlLog.Retrying(
                        logger,
                        args.Context.Properties.GetValue(CallIdKey, "-"),
                        args.Context.Properties.GetValue(OperationKey, "-"),
                        args.AttemptNumber + 1,
                        reason,
                        args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(options.RequestTimeout);
    }

    /// <summary>
    /// The wait a response asks for in <c>Retry-After</c> (seconds or an HTTP date, measured on <paramref name="time"/>);
    /// null when it asks for none.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(time);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, OpenAICallControlOptions options, TimeProvider time)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException or IOException;
        }

        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (status < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        // Asked to wait longer than we may: honour it by not asking again.
        return RetryAfter(response, time) is not { } wait || wait <= options.MaxRetryAfter;
    }
}
