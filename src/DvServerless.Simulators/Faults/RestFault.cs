namespace DvServerless.Simulators.Faults;

/// <summary>
/// One entry of a <see cref="RestFaultPlan"/>: answer the next <see cref="Count"/> requests for <see cref="Operation"/>
/// with <see cref="StatusCode"/> (429 or 5xx) and the service's error body, asking for <see cref="RetryAfter"/> when set.
/// </summary>
public sealed record RestFault
{
    /// <summary>Makes a fault; see the properties.</summary>
    /// <exception cref="ArgumentException">The operation is empty, the status is not 429 or 5xx, the count is below 1 or the wait is negative.</exception>
    public RestFault(string operation, int statusCode, int count = 1, TimeSpan? retryAfter = null, RetryAfterForm form = RetryAfterForm.DeltaSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        if (statusCode != 429 && statusCode is < 500 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A REST fault answers 429 or a 5xx status.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After cannot be negative.");
        }

        Operation = operation;
        StatusCode = statusCode;
        Count = count;
        RetryAfter = retryAfter;
        Form = form;
    }

    /// <summary>
    /// The operation it matches, as the simulator names it: ACS <c>answer</c>, <c>play</c>, <c>terminate</c>,
    /// <c>transferToParticipant</c>, <c>hangUp</c>, …; OpenAI <c>accept</c>, <c>reject</c>, <c>refer</c>, <c>hangup</c>,
    /// <c>client_secrets</c>. Compared without regard to case.
    /// </summary>
    public string Operation { get; }

    /// <summary>The status answered: 429, 500, 502, 503, 504 or another 5xx.</summary>
    public int StatusCode { get; }

    /// <summary>How many matching requests it answers; <see cref="int.MaxValue"/> for "every one from now on".</summary>
    public int Count { get; }

    /// <summary>The wait asked for; null sends no retry header.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>How the wait is spelled.</summary>
    public RetryAfterForm Form { get; }

    /// <summary>A fault that answers every matching request from now on (a lasting outage).</summary>
    public static RestFault Always(string operation, int statusCode, TimeSpan? retryAfter = null, RetryAfterForm form = RetryAfterForm.DeltaSeconds) =>
        new(operation, statusCode, int.MaxValue, retryAfter, form);
}
