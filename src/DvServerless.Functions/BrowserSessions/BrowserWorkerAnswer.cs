namespace DvServerless.Functions.BrowserSessions;

/// <summary>The media worker's answer to a browser command.</summary>
/// <param name="Result">What it amounts to.</param>
/// <param name="StatusCode">The worker's HTTP status; null when it did not answer.</param>
/// <param name="Detail">A short description for the log.</param>
public readonly record struct BrowserWorkerAnswer(BrowserWorkerResult Result, int? StatusCode, string Detail);
