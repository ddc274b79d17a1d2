namespace DvServerless.Simulators.Acs;

/// <summary>What an endpoint answered to an Event Grid validation handshake (PROTOCOL §4.2).</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">Response body.</param>
/// <param name="ValidationCode">The code the simulator sent (Event Grid schema), or null for the CloudEvents OPTIONS handshake.</param>
/// <param name="Succeeded">Whether the reply is what Event Grid accepts: 200 with <c>{"validationResponse":code}</c>, or a <c>WebHook-Allowed-Origin</c> header for CloudEvents.</param>
/// <param name="AllowedOrigin">The <c>WebHook-Allowed-Origin</c> header returned, if any.</param>
public sealed record SubscriptionValidationResult(int StatusCode, string Body, string? ValidationCode, bool Succeeded, string? AllowedOrigin);
