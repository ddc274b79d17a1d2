namespace DvServerless.Simulators.Acs;

/// <summary>A Call Automation callback the simulator POSTed.</summary>
/// <param name="Type">The CloudEvent type, e.g. <c>Microsoft.Communication.CallConnected</c>.</param>
/// <param name="Uri">Where it went.</param>
/// <param name="Body">The JSON array sent.</param>
/// <param name="StatusCode">The HTTP status returned, or null when the request failed.</param>
/// <param name="Error">The transport error, if any.</param>
/// <param name="SentAt">When it was sent.</param>
public sealed record CallbackDelivery(string Type, Uri Uri, string Body, int? StatusCode, string? Error, DateTimeOffset SentAt);
