namespace DvServerless.Simulators.Faults;

/// <summary>What a simulator answers a request the plan faulted: the status and the retry headers to send with it.</summary>
/// <param name="StatusCode">The status.</param>
/// <param name="Headers">The retry headers (<c>Retry-After</c>, or <c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c>); may be empty.</param>
internal sealed record RestFaultAnswer(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers);
