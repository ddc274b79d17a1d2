using System.Text.Json.Serialization;

namespace DvServerless.Cli.Calls;

/// <summary>
/// <c>dvs call --stack</c> asks a running <c>dvs up</c> for a simulated ACS call: the caller's audio and how long the
/// call may last.
/// </summary>
/// <param name="Audio">The caller's audio, PCM16LE mono, base64.</param>
/// <param name="SampleRate">Its rate: 8000, 16000 or 24000.</param>
/// <param name="MaxDurationSeconds">The call ends after this long at the latest (1–600).</param>
/// <param name="HeardAudio">Whether to send back what the caller heard of the agent (for <c>--out</c>).</param>
public sealed record StackCallRequest(
    [property: JsonPropertyName("audio")] string Audio,
    [property: JsonPropertyName("sampleRate")] int SampleRate,
    [property: JsonPropertyName("maxDurationSeconds")] int MaxDurationSeconds,
    [property: JsonPropertyName("heardAudio")] bool HeardAudio);

/// <summary>What <c>dvs up</c> answers once the call is over.</summary>
/// <param name="Summary">The call as <c>dvs call</c> reports it.</param>
/// <param name="HeardAudio">What the caller heard, PCM16LE mono base64, when asked for.</param>
/// <param name="HeardSampleRate">The rate of <paramref name="HeardAudio"/>.</param>
public sealed record StackCallResponse(
    [property: JsonPropertyName("summary")] CallSummary Summary,
    [property: JsonPropertyName("heardAudio")] string? HeardAudio,
    [property: JsonPropertyName("heardSampleRate")] int HeardSampleRate);
