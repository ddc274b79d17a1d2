using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>What a dropped session left of the conversation's turns.</summary>
/// <param name="Events">The events that close its open responses for the call loop (a cut answer's words, then its failure).</param>
/// <param name="AgentOwesAnswer">
/// The agent was mid-answer, or the caller had finished a turn it had not answered yet, and the caller does not hold the
/// floor: the next session should speak at once.
/// </param>
internal readonly record struct DroppedTurns(IReadOnlyList<EngineEvent> Events, bool AgentOwesAnswer);
