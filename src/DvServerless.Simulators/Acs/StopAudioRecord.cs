namespace DvServerless.Simulators.Acs;

/// <summary>A StopAudio the app sent.</summary>
/// <param name="ArrivedAt">Arrival time relative to media start.</param>
/// <param name="FlushedMs">Milliseconds of queued, unplayed agent audio it discarded.</param>
public sealed record StopAudioRecord(TimeSpan ArrivedAt, double FlushedMs);
