using System.Diagnostics.CodeAnalysis;

namespace DvServerless.Core.Tts;

/// <summary>How much the voice pauses between sentences.</summary>
public enum TtsPauses
{
    /// <summary>The provider's natural pacing.</summary>
    Natural,
    /// <summary>Short pauses: brisk.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The length of a pause; the names are configuration values, renaming them would break settings.")]
    Short,
    /// <summary>Long pauses: calm, deliberate.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The length of a pause; the names are configuration values, renaming them would break settings.")]
    Long,
}
