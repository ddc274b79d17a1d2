using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace DvServerless.Adapters.OpenAI;

/// <summary>
/// The resilience pipeline of the OpenAI REST clients (SIP call control, client secrets): a bounded retry of 5xx, 429,
/// timeouts and transport failures (doubling delays, no jitter, on the injected clock), honouring <c>Retry-After</c> up to
/// <see cref="OpenAIRetrySettings.MaxRetryAfter"/>, around a per-attempt timeout. 4xx other than 429 are final.
/// </summary>
public static class OpenAIRestResilience
{
    /// <summary>The resilience-context key the pipeline sets to the number of requests sent so far.</summary>
    public static readonly ResiliencePropertyKey<int> AttemptsKey = new("dvs.openai-rest.attempts");

    /// <summary>
    /// Adds the retry and the per-attempt timeout to <paramref name="builder"/>; <paramref name="onRetry"/> is told of each
    /// retry (the context, the number of the attempt that failed, why, and the wait in milliseconds) so the caller can log it.
    /// </summary>
    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        OpenAIRetrySettings settings,
        TimeProvider time,
        Action<ResilienceContext, int, string, double> onRetry)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onRetry);
        builder.TimeProvider = time;
        if (settings.MaxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                Delay = settings.InitialRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                // Read here instead, so that a Retry-After longer than we may wait stops the retries (ShouldHandle).
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, settings, time)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, time) : null),
                OnRetry = args =>
                {
                    args.Context.Properties.Set(AttemptsKey, args.AttemptNumber + 2);
                    var reason = args.Outcome.Result is { } response
                        ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                        : args.Outcome.Exception is TimeoutRejectedException ? "timed out" : "transport failure";
                    onRetry(args.Context, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(settings.RequestTimeout);
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

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, OpenAIRetrySettings settings, TimeProvider time)
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
        return RetryAfter(response, time) is not { } wait || wait <= settings.MaxRetryAfter;
    }
}
