using System.Text.RegularExpressions;

namespace DvServerless.Adapters.Llm.Offline;

/// <summary>One thing a caller may want, recognized by a pattern over the normalized transcript, and what to answer.</summary>
/// <param name="Name">The intent's name (<c>hours</c>, <c>book</c>); reported with each response.</param>
/// <param name="Pattern">Matched against the lower-case transcript without punctuation.</param>
/// <param name="Reply">The answer; <c>{heard}</c> is replaced by the transcript and <c>{last}</c> by the agent's previous answer.</param>
public sealed record OfflineIntent(string Name, Regex Pattern, string Reply);
