using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>
/// Changes call audio in place on its way through the engine (noise gate, gain, echo suppression): caller audio before
/// the engine hears it, agent audio before the call loop plays it. It runs on the audio path, once per chunk of any
/// length: it must not block and should not allocate.
/// </summary>
public interface IAudioFilter
{
    /// <summary>Filters <paramref name="samples"/> (PCM16 mono in <paramref name="format"/>, the engine's format) in place.</summary>
    void Process(Span<short> samples, AudioFormat format);
}
