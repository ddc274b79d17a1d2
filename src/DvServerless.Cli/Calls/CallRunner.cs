using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Records;
using DvServerless.Simulators.Acs;
using Spectre.Console;

namespace DvServerless.Cli.Calls;

/// <summary>Runs one <c>dvs call</c>: caller audio, local stack, the call, then the summary, the WAV and the JSON.</summary>
public sealed class CallRunner
{
    private readonly IAnsiConsole _console;

    /// <summary>Creates a runner that writes to <paramref name="console"/>.</summary>
    public CallRunner(IAnsiConsole console) => _console = console;

    /// <summary>Runs the call; returns the process exit code (0 = the session ended cleanly after exactly one answer).</summary>
    public Task<int> RunAsync(CallRunOptions options, CancellationToken cancellationToken) =>
        CallRunSteps.GuardAsync(_console, options.Timeout, async token =>
        {
            var summary = await PlaceCallAsync(options, token).ConfigureAwait(false);
            ConversationPrinter.Print(_console, summary);
            await CallRunSteps.WriteSummaryAsync(_console, options.SummaryJson, summary, token).ConfigureAwait(false);
            return IsSuccess(summary) ? 0 : 1;
        }, cancellationToken);

    /// <summary>Whether the call went as a user expects: one answer, session ended, no protocol errors.</summary>
    public static bool IsSuccess(CallSummary summary) =>
        summary.FinalState == nameof(CallState.Ended) && summary.AnswerRequests == 1 && summary.ProtocolErrors.Count == 0;

    private async Task<CallSummary> PlaceCallAsync(CallRunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Progress(string note) => _console.MarkupLineInterpolated($"[grey]{clock.Elapsed.TotalSeconds,6:0.00}s[/] {note}");

        var (callerPcm, callerFormat, transcripts) = await LoadCallerAsync(options, Progress, cancellationToken).ConfigureAwait(false);
        var stackOptions = new LocalStackOptions
        {
            CallerTranscripts = transcripts,
            AgentReply = options.CallerWav is null ? DemoConversation.AgentReply : null,
            Greeting = options.CallerWav is null ? DemoConversation.Greeting : null,
            Verbose = options.Verbose,
            AcsAudioFormat = options.AcsAudioFormat,
        };
        await using var stack = await LocalStack.LocalStack.StartAsync(stackOptions, Progress, cancellationToken).ConfigureAwait(false);
        Progress($"engine: {stack.EngineDescription}");

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = callerPcm,
            CallerAudioFormat = callerFormat,
            MaxDuration = options.Timeout,
            // A real model can take a second or two to start answering the last utterance.
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, cancellationToken).ConfigureAwait(false);
        var progressTask = ShowProgressAsync(call, Progress, cancellationToken);
        var result = await call.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        await progressTask.ConfigureAwait(false);

        var callId = CallIdFromCallbacks(result)
            ?? throw new InvalidOperationException($"The call was never answered ({result.Outcome}); no callback URI reached the ACS simulator.");
        var session = await CallSessionPolling.WaitForFinalStateAsync(stack.Sessions, callId, cancellationToken).ConfigureAwait(false);
        var records = await stack.Records.ReadAsync(callId, cancellationToken).ConfigureAwait(false);

        string? agentWav = null;
        if (options.AgentWav is not null)
        {
            options.AgentWav.Directory?.Create();
            await File.WriteAllBytesAsync(options.AgentWav.FullName, WavFile.Encode(result.HeardAudio, result.HeardFormat.SampleRate), cancellationToken).ConfigureAwait(false);
            agentWav = options.AgentWav.FullName;
        }

        return CallSummaryBuilder.Build(callId, stack, result, session, records, agentWav);
    }

    private static async Task ShowProgressAsync(SimulatedCall call, Action<string> progress, CancellationToken cancellationToken)
    {
        await foreach (var note in call.ReadProgressAsync(cancellationToken).ConfigureAwait(false))
        {
            progress(note.Note);
        }
    }

    private static async Task<(ReadOnlyMemory<byte> Pcm, AudioFormat Format, IReadOnlyList<string> Transcripts)> LoadCallerAsync(
        CallRunOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        if (options.CallerWav is null)
        {
            progress("speaking the demo caller with espeak-ng");
            var pcm = await CallerAudioSynthesizer.SynthesizeAsync(DemoConversation.CallerUtterances, DemoConversation.PauseBetweenUtterances, AudioFormat.Pcm24k,
                DemoConversation.LeadingSilence, cancellationToken).ConfigureAwait(false);
            return (pcm, AudioFormat.Pcm24k, options.Transcripts ?? DemoConversation.CallerUtterances);
        }

        var wav = await CallerWav.ReadAsync(options.CallerWav, cancellationToken).ConfigureAwait(false);
        return (wav.Pcm, wav.Format, options.Transcripts ?? []);
    }

    private static string? CallIdFromCallbacks(SimulatedCallResult result)
    {
        var callback = result.Callbacks.Count > 0 ? result.Callbacks[0] : null;
        return callback is null ? null : Uri.UnescapeDataString(callback.Uri.Segments[^1].TrimEnd('/'));
    }
}
