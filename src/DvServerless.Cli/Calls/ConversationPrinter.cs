using Spectre.Console;

namespace DvServerless.Cli.Calls;

/// <summary>Prints a call's summary to the console: who said what and when, barge-ins, and the final state.</summary>
public static class ConversationPrinter
{
    /// <summary>Writes <paramref name="summary"/> to <paramref name="console"/>.</summary>
    public static void Print(IAnsiConsole console, CallSummary summary)
    {
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]Call[/] {summary.CallId}  engine: {summary.Engine}{(summary.Simulated ? " (simulated agent: set OPENAI_API_KEY for the real model)" : string.Empty)}");
        console.MarkupLine("[grey]Times below are call time: seconds from when the call's audio started ([[+s]] above: since dvs started).[/]");
        var table = new Table().Border(TableBorder.Simple).AddColumn("call time").AddColumn("speaker").AddColumn("said");
        foreach (var turn in summary.Turns)
        {
            var time = turn.EndMs is { } end ? $"{Seconds(turn.StartMs)}–{Seconds(end)}" : Seconds(turn.StartMs);
            table.AddRow(new Text(time), new Text(turn.Speaker), new Text(turn.Interrupted ? Interrupted(turn) : turn.Text));
        }

        console.Write(table);
        foreach (var bargeIn in summary.BargeIns)
        {
            console.MarkupLineInterpolated(
                $"[yellow]barge-in[/] at {Seconds(bargeIn.AtMs)}: truncate audio_end_ms={bargeIn.TruncateAudioEndMs?.ToString() ?? "-"}, caller heard {bargeIn.CallerHeardMs?.ToString() ?? "?"} ms, sent {bargeIn.SentMs?.ToString() ?? "?"} ms, produced {bargeIn.ProducedMs?.ToString() ?? "?"} ms, flushed {bargeIn.FlushedMs?.ToString() ?? "?"} ms");
        }

        var colour = summary.FinalState == "Ended" ? "green" : "red";
        console.MarkupLineInterpolated($"session: [{colour}]{summary.FinalState}[/] ({string.Join(" → ", summary.StateHistory)}), answered {summary.AnswerRequests}×, call {Seconds(summary.DurationMs)}, agent audio heard {Seconds(summary.AgentAudioHeardMs)}");
        if (summary.AnswerToFirstAgentAudioMs is { } firstAudio)
        {
            console.MarkupLineInterpolated($"answer → first agent audio at the caller: {firstAudio} ms");
        }

        if (summary.Sip is not null)
        {
            // SIP audio stays between the carrier and OpenAI: there is no playout here to measure.
        }
        else if (summary.PlayoutGapsMs.Count == 0)
        {
            console.MarkupLine("playout: no holes in the agent's speech");
        }
        else
        {
            console.MarkupLineInterpolated($"[yellow]playout: {summary.PlayoutGapsMs.Count} hole(s) in the agent's speech[/] (longest {summary.PlayoutGapsMs.Max()} ms)");
        }

        if (summary.AgentFramesAfterStopAudio > 0)
        {
            console.MarkupLineInterpolated($"[red]{summary.AgentFramesAfterStopAudio} agent frames reached the caller after StopAudio[/]");
        }

        foreach (var error in summary.ProtocolErrors)
        {
            console.MarkupLineInterpolated($"[red]protocol error:[/] {error}");
        }
    }

    /// <summary>An interrupted turn as the caller heard it, with how much more the agent had generated.</summary>
    private static string Interrupted(CallTurn turn) =>
        turn.GeneratedText is { } generated && generated.Length > turn.Text.Length
            ? $"{turn.Text} — [cut off by the caller; {CountWords(generated) - CountWords(turn.Text)} more words were generated but not heard]"
            : $"{turn.Text}  [interrupted]";

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
