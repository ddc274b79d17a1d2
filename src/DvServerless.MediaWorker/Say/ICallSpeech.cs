using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Say;

/// <summary>Speaks text for a live call at its leg's format (what <c>say</c> injects).</summary>
public interface ICallSpeech
{
    /// <summary>
    /// <paramref name="text"/> as PCM16 at <paramref name="legFormat"/> in <paramref name="voice"/> (null: the tenant's default
    /// voice), for <paramref name="tenantId"/>'s cache. Throws <see cref="CallSpeechUnavailableException"/> when no speech can be made.
    /// </summary>
    Task<byte[]> SpeakAsync(string tenantId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken);
}
