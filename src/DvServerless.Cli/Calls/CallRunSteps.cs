using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace DvServerless.Cli.Calls;

/// <summary>What every <c>dvs call</c> does around the call itself: the overall time limit, the error lines, the JSON file.</summary>
public static class CallRunSteps
{
    /// <summary>How summaries are written: camelCase, indented, no nulls, text kept readable (apostrophes unescaped).</summary>
    public static JsonSerializerOptions SummaryJson { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Runs <paramref name="call"/> within <paramref name="limit"/>; returns its exit code, or 2 with a red line on
    /// <paramref name="errors"/> (standard error) when the limit passes or the call cannot be placed (missing tool, bad
    /// WAV, nothing answered).
    /// </summary>
    public static async Task<int> GuardAsync(IAnsiConsole errors, TimeSpan limit, Func<CancellationToken, Task<int>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await call(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            errors.MarkupLineInterpolated($"[red]The call did not finish within {limit.TotalSeconds:0} s.[/]");
            return 2;
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or IOException)
        {
            errors.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            return 2;
        }
    }

    /// <summary>
    /// Writes one progress line. Its time is wall time since <c>dvs</c> started, written <c>[+1.23s]</c> so it is never
    /// taken for call time, the one clock of the conversation printout (seconds from when the call's audio started).
    /// </summary>
    public static void Progress(IAnsiConsole console, System.Diagnostics.Stopwatch sinceStart, string note) =>
        console.MarkupLineInterpolated($"[grey][[+{sinceStart.Elapsed.TotalSeconds:0.00}s]][/] {note}");

    /// <summary>Writes <paramref name="summary"/> to <paramref name="file"/> when one was asked for.</summary>
    public static async Task WriteSummaryAsync(IAnsiConsole console, FileInfo? file, CallSummary summary, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }

        file.Directory?.Create();
        await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(summary, SummaryJson), cancellationToken).ConfigureAwait(false);
        console.MarkupLineInterpolated($"summary written to {file.FullName}");
    }
}
