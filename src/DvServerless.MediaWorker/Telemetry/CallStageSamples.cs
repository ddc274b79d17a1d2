namespace DvServerless.MediaWorker.Telemetry;

/// <summary>Every stage's samples of one call, for its summary line.</summary>
internal sealed class CallStageSamples
{
    public double? FirstAudio { get; set; }

    public StageSamples Stt { get; } = new();

    public StageSamples LlmTimeToFirstToken { get; } = new();

    public StageSamples Tts { get; } = new();

    public StageSamples EndToEnd { get; } = new();

    public StageSamples BargeInReaction { get; } = new();
}
