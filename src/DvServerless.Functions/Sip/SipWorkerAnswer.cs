namespace DvServerless.Functions.Sip;

/// <summary>The worker's answer to a capacity check or an attach.</summary>
/// <param name="Ok">True when the worker has room (capacity) or took the call (attach).</param>
/// <param name="StatusCode">The worker's HTTP status, or null when it did not answer in time.</param>
/// <param name="Detail">A short description for the session and the logs.</param>
/// <param name="Worker">
/// For a capacity check answered by queue: the command queue of the replica that keeps the seat, where the attach must
/// go; null over HTTP (the pool sends both requests of one call to the same worker).
/// </param>
public readonly record struct SipWorkerAnswer(bool Ok, int? StatusCode, string Detail, string? Worker = null);
