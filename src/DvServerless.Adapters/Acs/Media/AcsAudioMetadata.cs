namespace DvServerless.Adapters.Acs.Media;

/// <summary>The <c>audioMetadata</c> payload: the format of the audio that follows.</summary>
public sealed record AcsAudioMetadata(string? SubscriptionId, string Encoding, int SampleRate, int Channels, int Length);
