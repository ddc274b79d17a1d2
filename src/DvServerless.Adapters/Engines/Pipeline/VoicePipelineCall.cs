using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>The call a voice pipeline hook is about.</summary>
/// <param name="CallId">The call's id.</param>
/// <param name="Agent">The agent answering it.</param>
/// <param name="EngineName">The engine's name (<c>cascaded:deepgram+openai/gpt-4o-mini+elevenlabs</c>).</param>
public sealed record VoicePipelineCall(string CallId, AgentOptions Agent, string EngineName);
