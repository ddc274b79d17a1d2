using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// Comfort noise toward the caller while the agent thinks (the caller's turn ended and no agent audio has come yet) or
/// runs a tool, so the line never sounds dead. Bound from the top-level settings <c>GW_COMFORT_NOISE_ENABLED</c>,
/// <c>GW_COMFORT_NOISE_LEVEL</c> and <c>GW_COMFORT_NOISE_FILE</c> (environment variables of those names).
/// </summary>
public sealed class ComfortNoiseOptions
{
    /// <summary>Whether calls play comfort noise while the agent thinks. Off by default; the API turns it on per call either way.</summary>
    [ConfigurationKeyName("GW_COMFORT_NOISE_ENABLED")]
    public bool Enabled { get; set; }

    /// <summary>The RMS level of the generated noise in dBFS (−90 to −20; default −50). Not applied to a custom file.</summary>
    [ConfigurationKeyName("GW_COMFORT_NOISE_LEVEL")]
    [Range(-90.0, -20.0)]
    public double LevelDbfs { get; set; } = -50;

    /// <summary>
    /// Optional custom bed, looped: raw PCM16 mono little-endian at the leg's rate, or a PCM16 WAV (resampled to the leg's
    /// rate). Played at its own level. Empty: generated white noise.
    /// </summary>
    [ConfigurationKeyName("GW_COMFORT_NOISE_FILE")]
    public string? File { get; set; }
}
