using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;

namespace DvServerless.MediaWorker.Calls;

/// <summary>How one tool call ended: its result for the engine, how long it took, and whether it failed.</summary>
internal sealed record CallToolOutcome(ToolCallRequested Request, CallToolResult Result, TimeSpan Duration, bool Failed);
