namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// A line the agent says while a slow tool runs, so the caller does not sit in silence: spoken once, when the tool has not
/// answered after <paramref name="After"/>.
/// </summary>
/// <param name="Text">What the agent says (e.g. "One moment, I am looking that up.").</param>
/// <param name="After">How long the tool may run before the line is said.</param>
public readonly record struct ToolFiller(string Text, TimeSpan After);
