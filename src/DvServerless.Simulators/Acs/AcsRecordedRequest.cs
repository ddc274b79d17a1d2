namespace DvServerless.Simulators.Acs;

/// <summary>One REST request the simulator received, with the answer it gave.</summary>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="RawTarget">The wire path and query, exactly as received.</param>
/// <param name="Operation">The Call Automation operation it addressed (e.g. <c>answer</c>, <c>terminate</c>), or null when unknown.</param>
/// <param name="CallConnectionId">The call connection in the path, if any.</param>
/// <param name="Headers">The request headers (the Authorization value included: the simulator's key is not a secret).</param>
/// <param name="Body">The request body as text.</param>
/// <param name="StatusCode">The status code returned.</param>
/// <param name="ErrorCode">The error code returned, or null on success.</param>
public sealed record AcsRecordedRequest(
    DateTimeOffset ReceivedAt,
    string Method,
    string RawTarget,
    string? Operation,
    string? CallConnectionId,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int StatusCode,
    string? ErrorCode);
