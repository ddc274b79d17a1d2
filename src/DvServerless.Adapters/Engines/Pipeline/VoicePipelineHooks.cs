using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>The callbacks and audio filters a <see cref="VoicePipeline"/> adds to every call's engine.</summary>
internal sealed class VoicePipelineHooks
{
    public List<Func<VoicePipelineCall, ValueTask>> NewCall { get; } = [];

    public List<Func<VoiceTranscript, ValueTask>> Transcript { get; } = [];

    public List<Func<VoicePipelineCall, ValueTask>> CallEnded { get; } = [];

    public List<Func<VoicePipelineCall, EngineError, ValueTask>> Error { get; } = [];

    /// <summary>Per-call filter makers, in the order they run, for each direction.</summary>
    public List<(AudioDirection Direction, Func<IAudioFilter> Create)> Filters { get; } = [];

    /// <summary>Whether there is anything to add (else engines are handed out undecorated).</summary>
    public bool IsEmpty => NewCall.Count + Transcript.Count + CallEnded.Count + Error.Count + Filters.Count == 0;
}
