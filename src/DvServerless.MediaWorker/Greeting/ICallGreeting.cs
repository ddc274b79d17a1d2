using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>The greeting a call plays the moment media connects, before the engine's first response.</summary>
public interface ICallGreeting
{
    /// <summary>The greeting of <paramref name="callId"/> as PCM16 at <paramref name="legFormat"/>, or null for none (never throws for a TTS or storage failure).</summary>
    Task<GreetingAudio?> LoadAsync(string callId, AudioFormat legFormat, CancellationToken cancellationToken = default);
}
