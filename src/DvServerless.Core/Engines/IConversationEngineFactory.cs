namespace DvServerless.Core.Engines;

/// <summary>Creates one engine per call.</summary>
public interface IConversationEngineFactory
{
    /// <summary>Creates an engine (not yet started) for the call <paramref name="callId"/>.</summary>
    IConversationEngine Create(string callId, AgentOptions agent);
}
