namespace DvServerless.Core.Minutes;

/// <summary>A language model's summary of a call and the action items it found.</summary>
public sealed record MinutesSummary(string Text, IReadOnlyList<string> ActionItems);
