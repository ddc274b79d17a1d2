namespace DvServerless.Adapters.OpenAI;

/// <summary>
/// How an OpenAI REST client retries: <paramref name="MaxAttempts"/> requests in all, the first retry after
/// <paramref name="InitialRetryDelay"/> and each next one after twice as long (a <c>Retry-After</c> overrides it), each
/// request cut off after <paramref name="RequestTimeout"/>, and a <c>Retry-After</c> longer than
/// <paramref name="MaxRetryAfter"/> honoured by not retrying.
/// </summary>
public sealed record OpenAIRetrySettings(int MaxAttempts, TimeSpan InitialRetryDelay, TimeSpan RequestTimeout, TimeSpan MaxRetryAfter);
