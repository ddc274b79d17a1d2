namespace DvServerless.Simulators.Acs;

/// <summary>One message the app sent on the media WebSocket.</summary>
/// <param name="ArrivedAt">Arrival time relative to media start.</param>
/// <param name="Kind">What it asked for.</param>
/// <param name="Spelling">Which spelling it used.</param>
/// <param name="AudioBytes">Decoded audio bytes (0 for StopAudio).</param>
/// <param name="MessageBytes">Size of the WebSocket message.</param>
public sealed record OutboundMediaMessage(TimeSpan ArrivedAt, OutboundMediaKind Kind, OutboundMediaSpelling Spelling, int AudioBytes, int MessageBytes);
