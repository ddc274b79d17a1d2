using DvServerless.Core.Audio;
using Microsoft.Extensions.AI;

namespace DvServerless.Adapters.Engines.Cascaded;

/// <summary>
/// How every cascaded engine behaves, whichever parts it uses (section <c>Cascaded</c>). The parts themselves are the
/// agent's (<see cref="Core.Engines.CascadedAgentOptions"/>).
/// </summary>
public sealed class CascadedEngineOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cascaded";

    /// <summary>Caller turns kept in the conversation sent to the language model (the system prompt is always sent).</summary>
    public int HistoryTurns { get; set; } = 20;

    /// <summary>
    /// How long the first spoken piece of an answer must be before it may end at a clause (comma, colon) instead of a
    /// sentence end. Short: the caller hears the agent sooner; long: the first piece sounds more natural.
    /// </summary>
    public int FirstChunkMinChars { get; set; } = 40;

    /// <summary>Longest spoken piece; a longer sentence is cut at a clause or a space.</summary>
    public int MaxChunkChars { get; set; } = 240;

    /// <summary>
    /// The sample rate of the engine's PCM16 audio (what the call loop sends and plays): 8000, 16000 or 24000. Null: the
    /// speech-to-text's input rate, so a leg at that rate (ACS 16 kHz) passes through with no resampling.
    /// </summary>
    public int? SampleRate { get; set; }

    /// <summary>
    /// Times a recognition that failed or ended is reopened before the engine closes (the caller can no longer be heard).
    /// </summary>
    public int MaxSpeechToTextRestarts { get; set; } = 2;

    /// <summary>
    /// Tools declared in code besides the agent's own (<see cref="Core.Engines.AgentOptions.Tools"/>). Their calls reach
    /// the call loop as tool calls, which runs them.
    /// </summary>
    public IList<AITool> Tools { get; set; } = [];

    /// <summary>A description of what is wrong, or null when the options are usable.</summary>
    public string? Validate()
    {
        if (HistoryTurns < 1)
        {
            return "Cascaded:HistoryTurns must be at least 1.";
        }

        if (FirstChunkMinChars < 1 || MaxChunkChars < FirstChunkMinChars)
        {
            return "Cascaded:FirstChunkMinChars must be at least 1 and Cascaded:MaxChunkChars at least as large.";
        }

        if (SampleRate is { } rate && !PcmResampler.IsSupportedRate(rate))
        {
            return "Cascaded:SampleRate must be 8000, 16000 or 24000.";
        }

        return MaxSpeechToTextRestarts < 0 ? "Cascaded:MaxSpeechToTextRestarts must not be negative." : null;
    }
}
