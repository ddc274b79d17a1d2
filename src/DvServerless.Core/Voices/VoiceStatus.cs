namespace DvServerless.Core.Voices;

/// <summary>Whether a library voice can be used for speech.</summary>
public enum VoiceStatus
{
    /// <summary>Cloned at the provider; usable by its provider voice id.</summary>
    Ready,
    /// <summary>Sample stored, not cloned yet (no provider key, or the provider failed); see <see cref="VoiceRecord.PendingReason"/>.</summary>
    Pending,
}
