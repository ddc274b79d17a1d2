namespace DvServerless.Functions.Http;

/// <summary>The body of every error answer of the app: <c>{"error": code, "message": text}</c>.</summary>
/// <param name="Error">A stable, machine-readable code (<c>bad_request</c>, <c>not_found</c>, <c>minutes_not_ready</c> …).</param>
/// <param name="Message">What went wrong and what to do, for a person.</param>
public sealed record ErrorBody(string Error, string Message);
