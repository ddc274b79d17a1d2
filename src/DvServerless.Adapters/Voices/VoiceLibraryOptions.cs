using System.ComponentModel.DataAnnotations;

namespace DvServerless.Adapters.Voices;

/// <summary>Limits of the per-tenant voice library (configuration section <c>Voices</c>).</summary>
public sealed class VoiceLibraryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Voices";

    /// <summary>
    /// The most voices one tenant may keep (ready or pending). Every voice is a stored sample and, once cloned, a slot
    /// of the shared ElevenLabs account, so one tenant must not be able to use them all up.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxVoicesPerTenant { get; set; } = 20;
}
