using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Say;

/// <summary>Speaks text for a live call at its leg's format (what <c>say</c> injects).</summary>
public interface ICallSpeech
{
    /// <summary>
    /// <paramref name="text"/> as PCM16 at <paramref name="legFormat"/> as the call's agent <paramref name="agentId"/> speaks
    /// (null: the default agent), in <paramref name="voice"/> when the request names one, for <paramref name="tenantId"/>'s
    /// cache. Throws <see cref="CallSpeechUnavailableException"/> when no speech can be made.
    /// </summary>
    Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken);
}
