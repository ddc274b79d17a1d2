using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DvServerless.Adapters.Acs;

/// <summary>
/// Azure.Core's retry (408, 429, 5xx and transport failures, exponential delays, the server's <c>Retry-After</c>,
/// <c>retry-after-ms</c> or <c>x-ms-retry-after-ms</c> honoured) with one bound added: a server-asked wait longer than
/// <see cref="MaxRetryAfter"/> (in any of those headers) ends the retries at once
/// instead of being waited out, because Call Automation requests run inside a webhook or a live call, where a wait of
/// minutes helps nobody. The request then fails with the service's answer (<see cref="AcsRequestFailedException"/>).
/// </summary>
public sealed class AcsRetryPolicy : RetryPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxRetries">Retries after the first try.</param>
    /// <param name="delay">The first computed delay, doubled on each retry up to <paramref name="maxDelay"/>.</param>
    /// <param name="maxDelay">The longest computed delay.</param>
    /// <param name="maxRetryAfter">The longest server-asked wait that is honoured; a longer one stops retrying.</param>
    public AcsRetryPolicy(int maxRetries, TimeSpan delay, TimeSpan maxDelay, TimeSpan maxRetryAfter)
        : base(maxRetries, DelayStrategy.CreateExponentialDelayStrategy(delay, maxDelay))
    {
        MaxRetryAfter = maxRetryAfter;
    }

    /// <summary>The longest server-asked wait (<c>Retry-After</c>) that is honoured.</summary>
    public TimeSpan MaxRetryAfter { get; }

    /// <summary>
    /// The wait the service asks for, read as Azure.Core's retry reads it (so the bound applies to the wait it would
    /// take): <c>retry-after-ms</c>, then <c>x-ms-retry-after-ms</c> (milliseconds), then <c>Retry-After</c> (seconds or
    /// an HTTP date); null when none is given.
    /// </summary>
    public static TimeSpan? RetryAfter(Response? response, DateTimeOffset now)
    {
        if (response is null)
        {
            return null;
        }

        foreach (var header in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(header, out var ms) && int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    /// <inheritdoc />
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && !AsksTooLong(message);

    /// <inheritdoc />
    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception).ConfigureAwait(false) && !AsksTooLong(message);

    private bool AsksTooLong(HttpMessage message) =>
        message.HasResponse && RetryAfter(message.Response, DateTimeOffset.UtcNow) is { } wait && wait > MaxRetryAfter;
}
