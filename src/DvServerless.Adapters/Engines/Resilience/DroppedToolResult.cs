using System.Text;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The result of a tool call that a session which has since dropped asked for. A later session has no
/// <c>function_call</c> item for <paramref name="CallId"/> and refuses a <c>function_call_output</c> for it, so the
/// result reaches it as a system message in the conversation (an item <c>conversation.item.create</c> accepts), with a
/// response requested so the agent tells the caller.
/// </summary>
/// <param name="CallId">The call id the dropped session gave the call.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="Output">What the tool returned, as the call loop would have sent it.</param>
internal sealed record DroppedToolResult(string CallId, string Name, string Output)
{
    /// <summary>One note stating each tool's name and result, marked as not the caller's words.</summary>
    /// <remarks>
    /// It goes to the engine as a system message (<see cref="Core.Engines.IConversationEngine.SendSystemNoteAsync"/>); the
    /// wording still says it is not the caller's, for engines that fold system messages into the conversation.
    /// </remarks>
    public static string Note(IReadOnlyList<DroppedToolResult> results)
    {
        ArgumentOutOfRangeException.ThrowIfZero(results.Count);
        var text = new StringBuilder("[Note from the phone system, not words of the caller: the connection was restored after a technical interruption, ")
            .Append(results.Count == 1 ? "and a tool you called before it has finished." : "and tools you called before it have finished.");
        foreach (var result in results)
        {
            text.Append(" The tool ").Append(result.Name).Append(" returned: ")
                .Append(string.IsNullOrWhiteSpace(result.Output) ? "(nothing)" : result.Output.Trim()).Append('.');
        }

        return text.Append(" Tell the caller now what came of it; do not call the tool again for this.]").ToString();
    }
}
