namespace DvServerless.Simulators.Faults;

/// <summary>How an injected fault spells the wait it asks for.</summary>
public enum RetryAfterForm
{
    /// <summary><c>Retry-After: 2</c> (delta-seconds, RFC 9110 §10.2.3), rounded up to whole seconds.</summary>
    DeltaSeconds,

    /// <summary>
    /// <c>Retry-After: Sun, 06 Dec 2026 23:00:02 GMT</c> (an HTTP-date, RFC 9110 §10.2.3), the answer's time plus the wait,
    /// rounded up to the next whole second so that the wait a client computes is never shorter than asked.
    /// </summary>
    HttpDate,

    /// <summary>
    /// <c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c> (the Azure convention, which Azure.Core reads before
    /// <c>Retry-After</c>), in milliseconds, and no <c>Retry-After</c>.
    /// </summary>
    Milliseconds,
}
