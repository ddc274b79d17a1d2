namespace DvServerless.Core.Tts;

/// <summary>How much the voice pauses between sentences.</summary>
public enum TtsPauses
{
    /// <summary>The provider's natural pacing.</summary>
    Natural,
    /// <summary>Short pauses: brisk.</summary>
    Short,
    /// <summary>Long pauses: calm, deliberate.</summary>
    Long,
}
