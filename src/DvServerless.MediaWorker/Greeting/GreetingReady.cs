using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>
/// Posted to the call loop when the cached greeting is loaded: it travels with the engine's events, so the loop queues it
/// in order with them (only if no agent audio has started yet).
/// </summary>
/// <param name="Audio">The greeting.</param>
public sealed record GreetingReady(GreetingAudio Audio) : EngineEvent
{
    /// <summary>The item and response id of the greeting in the playout and the call record. No engine knows it: it is never truncated.</summary>
    public const string ItemId = "dvs-greeting";
}
