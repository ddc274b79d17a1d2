namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// A system note for the agent's session: one the call sent (a transfer that failed), or the note that gives a session
/// the <paramref name="Results"/> of tool calls a dropped session asked for. Either is sent to a live session or held
/// for the next one by <see cref="ReconnectHold"/>.
/// </summary>
/// <param name="Text">What the session is given, as a system message.</param>
/// <param name="Respond">Whether a response is asked for with it.</param>
/// <param name="Results">The tool results the note gives, or null for a note of the call's.</param>
internal sealed record SessionNote(string Text, bool Respond, IReadOnlyList<DroppedToolResult>? Results = null)
{
    /// <summary>The note that gives <paramref name="results"/>, with a response requested so the agent tells the caller.</summary>
    public static SessionNote Of(IReadOnlyList<DroppedToolResult> results) => new(DroppedToolResult.Note(results), Respond: true, results);
}
