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
    private readonly IAnsiConsole _errors;

    /// <summary>Creates a runner that writes to <paramref name="console"/>, and errors to <paramref name="errors"/> (default: the same).</summary>
    public CallRunner(IAnsiConsole console, IAnsiConsole? errors = null)
    {
        _console = console;
        _errors = errors ?? console;
    }

    /// <summary>Runs the call; returns the process exit code (0 = the session ended cleanly after exactly one answer).</summary>
    public Task<int> RunAsync(CallRunOptions options, CancellationToken cancellationToken) =>
        CallRunSteps.GuardAsync(_errors, options.Timeout, async token =>
        {
            var summary = options.Stack is null
                ? await PlaceCallAsync(options, token).ConfigureAwait(false)
                : await PlaceCallOnStackAsync(options, options.Stack, token).ConfigureAwait(false);
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
        void Progress(string note) => CallRunSteps.Progress(_console, clock, note);

        var (callerPcm, callerFormat, transcripts) = await LoadCallerAsync(options, Progress, cancellationToken).ConfigureAwait(false);
        var stackOptions = new LocalStackOptions
        {
            CallerTranscripts = transcripts,
            AgentReply = options.CallerWav is null ? DemoConversation.AgentReply : null,
            // A real recording gets the greeting every deployment plays; the built-in demo has its own.
            Greeting = options.CallerWav is null ? DemoConversation.Greeting : Environment.GetEnvironmentVariable("Agent__Greeting") ?? Core.Tts.DefaultGreeting.Text,
            Verbose = options.Verbose,
            AcsAudioFormat = options.AcsAudioFormat,
            AppSettings = EngineSettings(options),
        };
        await using var stack = await LocalStack.LocalStack.StartAsync(stackOptions, Progress, cancellationToken).ConfigureAwait(false);
        Progress($"engine: {stack.EngineDescription}");

        var (summary, result) = await AcsStackCall.RunAsync(stack, callerPcm, callerFormat, options.Timeout, Progress, cancellationToken, options.Keypresses()).ConfigureAwait(false);

        string? agentWav = null;
        if (options.AgentWav is not null)
        {
            options.AgentWav.Directory?.Create();
            await File.WriteAllBytesAsync(options.AgentWav.FullName, WavFile.Encode(result.HeardAudio, result.HeardFormat.SampleRate), cancellationToken).ConfigureAwait(false);
            agentWav = options.AgentWav.FullName;
        }

        return summary with { AgentWav = agentWav };
    }

    private async Task<CallSummary> PlaceCallOnStackAsync(CallRunOptions options, FileInfo stackFile, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Progress(string note) => CallRunSteps.Progress(_console, clock, note);

        var urls = await StackCallClient.ReadUrlsAsync(stackFile, cancellationToken).ConfigureAwait(false);
        // The running stack's Realtime simulator recognises what dvs up was told (--transcripts there).
        var (callerPcm, callerFormat, _) = await LoadCallerAsync(options with { Transcripts = [] }, Progress, cancellationToken).ConfigureAwait(false);
        Progress($"calling tenant {urls.Tenant} through {urls.Calls}; watch it at {urls.Dashboard}");
        var response = await StackCallClient.PlaceAsync(urls, new StackCallRequest(
            Convert.ToBase64String(callerPcm.Span), callerFormat.SampleRate, (int)Math.Ceiling(options.Timeout.TotalSeconds), HeardAudio: options.AgentWav is not null),
            cancellationToken).ConfigureAwait(false);

        string? agentWav = null;
        if (options.AgentWav is not null && response.HeardAudio is not null)
        {
            options.AgentWav.Directory?.Create();
            await File.WriteAllBytesAsync(options.AgentWav.FullName, WavFile.Encode(Convert.FromBase64String(response.HeardAudio), response.HeardSampleRate), cancellationToken)
                .ConfigureAwait(false);
            agentWav = options.AgentWav.FullName;
        }

        return response.Summary with { AgentWav = agentWav };
    }

    /// <summary>The engine the call's agent runs on: as asked, else offline for a real recording with no model key.</summary>
    public static Dictionary<string, string?> EngineSettings(CallRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engine = options.Engine
            ?? (options.CallerWav is not null && !new LocalStackOptions().UsesRealEngine ? Core.Engines.EngineKinds.Offline : null);
        return engine is null ? [] : new Dictionary<string, string?> { ["Agent:Engine"] = engine };
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
}
