using DvServerless.Core.Audio;

namespace DvServerless.Core.Engines;

/// <summary>
/// An AI agent that listens to the caller and talks back: OpenAI / Azure OpenAI Realtime, the Realtime
/// simulator, or later a cascaded STT → LLM → TTS engine. One instance serves one call.
/// </summary>
public interface IConversationEngine : IAsyncDisposable
{
    /// <summary>A short name for logs and summaries (e.g. <c>openai-realtime</c>).</summary>
    string Name { get; }

    /// <summary>The audio format the engine takes and produces (PCM 24 kHz for Realtime).</summary>
    AudioFormat AudioFormat { get; }

    /// <summary>Connects and configures the session; completes when the engine is ready for audio.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Sends caller audio in <see cref="AudioFormat"/>.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken);

    /// <summary>Asks the agent to speak now (e.g. a greeting), optionally with one-off instructions.</summary>
    ValueTask CreateResponseAsync(string? instructions, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a typed user message to the conversation and asks the agent to answer it (for a browser user who types
    /// instead of speaking).
    /// </summary>
    ValueTask SendUserTextAsync(string text, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a note from the phone system to the conversation as a <b>system</b> message (never the caller's words, e.g.
    /// "the transfer failed") and, when <paramref name="respond"/> is true, asks the agent to speak now.
    /// </summary>
    ValueTask SendSystemNoteAsync(string text, bool respond, CancellationToken cancellationToken);

    /// <summary>Cancels the response in progress, if any.</summary>
    ValueTask CancelResponseAsync(CancellationToken cancellationToken);

    /// <summary>Cuts an agent item at what the caller actually heard.</summary>
    ValueTask TruncateAsync(string itemId, int contentIndex, int audioEndMs, CancellationToken cancellationToken);

    /// <summary>Returns the result of a tool call and lets the agent continue.</summary>
    ValueTask SendToolResultAsync(string callId, string output, CancellationToken cancellationToken);

    /// <summary>The engine's events, in order, until it closes. Read by exactly one reader.</summary>
    IAsyncEnumerable<EngineEvent> ReadEventsAsync(CancellationToken cancellationToken);
}
