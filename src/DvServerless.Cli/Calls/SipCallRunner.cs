using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Simulators.Realtime.Sip;
using Spectre.Console;

namespace DvServerless.Cli.Calls;

/// <summary>
/// Runs one <c>dvs call --sip</c>: the local stack, then the Realtime simulator plays OpenAI's side of a SIP call
/// (signed <c>realtime.call.incoming</c> webhook to the Functions app, accept by <c>call_id</c>, sideband from the
/// worker, the caller's audio on the SIP leg), then the conversation, the session's final state and the JSON summary.
/// </summary>
public sealed class SipCallRunner
{
    private readonly IAnsiConsole _console;
    private readonly IAnsiConsole _errors;

    /// <summary>Creates a runner that writes to <paramref name="console"/>, and errors to <paramref name="errors"/> (default: the same).</summary>
    public SipCallRunner(IAnsiConsole console, IAnsiConsole? errors = null)
    {
        _console = console;
        _errors = errors ?? console;
    }

    /// <summary>Runs the call; returns the exit code (0 = one accept, one sideband, session <c>Ended</c>).</summary>
    public Task<int> RunAsync(CallRunOptions options, CancellationToken cancellationToken) =>
        CallRunSteps.GuardAsync(_errors, options.Timeout, async token =>
        {
            var summary = await PlaceCallAsync(options, token).ConfigureAwait(false);
            var sip = summary.Sip!;
            ConversationPrinter.Print(_console, summary);
            _console.MarkupLineInterpolated(
                $"SIP: {sip.SipCallId}, webhook {string.Join("/", sip.WebhookAttempts)}, accepted {sip.AcceptCount}×, sidebands {sip.SidebandCount}, ended by {sip.SimulatorEnd}{(sip.WebhookToAcceptMs is { } ms ? $", webhook → accepted {ms} ms" : string.Empty)}");
            await CallRunSteps.WriteSummaryAsync(_console, options.SummaryJson, summary, token).ConfigureAwait(false);
            return summary.FinalState == nameof(CallState.Ended) && sip.AcceptCount == 1 && sip.SidebandCount == 1 ? 0 : 1;
        }, cancellationToken);

    /// <summary>Reads the session's SIP headers back from its metadata (ordered, repeats kept).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> StoredHeaders(CallSession? session)
    {
        if (session is null || !session.Metadata.TryGetValue(SipSessionMetadata.Headers, out var json))
        {
            return [];
        }

        return (JsonNode.Parse(json) as JsonArray ?? [])
            .Select(h => new KeyValuePair<string, string>((string?)h?["name"] ?? string.Empty, (string?)h?["value"] ?? string.Empty))
            .ToList();
    }

    /// <summary>Milliseconds from the session's creation (webhook arrival) to its <c>Connected</c> state (accept answered).</summary>
    public static int? WebhookToAcceptMs(CallSession? session)
    {
        var connected = session?.History.FirstOrDefault(h => h.State == CallState.Connected);
        return connected is null ? null : (int)(connected.At - session!.CreatedAt).TotalMilliseconds;
    }

    private async Task<CallSummary> PlaceCallAsync(CallRunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Progress(string note) => CallRunSteps.Progress(_console, clock, note);

        var (callerPcm, transcripts) = await LoadCallerAsync(options, Progress, cancellationToken).ConfigureAwait(false);
        await using var stack = await LocalStack.LocalStack.StartAsync(new LocalStack.LocalStackOptions
        {
            CallerTranscripts = transcripts,
            AgentReply = options.CallerWav is null ? SipDemoConversation.AgentReply : null,
            Verbose = options.Verbose,
        }, Progress, cancellationToken).ConfigureAwait(false);
        var realtime = stack.Realtime ?? throw new InvalidOperationException(
            "dvs call --sip plays OpenAI's side with the Realtime simulator; unset OPENAI_API_KEY / AzureOpenAI__Endpoint for it. " +
            "A real SIP call needs a trunk pointed at OpenAI (see the README section \"SIP calls through OpenAI Realtime\").");
        Progress($"engine: {stack.EngineDescription}");
        Progress($"SIP call: the simulator posts a signed realtime.call.incoming to {stack.SipWebhookUrl}");

        var result = await realtime.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = stack.SipWebhookUrl,
            WebhookSecret = SipSimulatorDefaults.WebhookSecret,
            SipHeaders = SipDemoConversation.SipHeaders,
            CallerAudio = callerPcm,
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
            MaxCallDuration = options.Timeout,
        }, cancellationToken).ConfigureAwait(false);
        Progress($"call over: {result.End}");

        var callId = SipIncomingService.SessionIdFor(result.CallId);
        var session = await CallSessionPolling.WaitForFinalStateAsync(stack.Sessions, callId, cancellationToken).ConfigureAwait(false);
        var records = await stack.Records.ReadAsync(callId, cancellationToken).ConfigureAwait(false);
        var summary = new CallSummary
        {
            CallId = callId,
            CallConnectionId = result.CallId,
            Engine = records.Select(r => r.Engine).FirstOrDefault(e => !string.IsNullOrEmpty(e)) ?? "realtime-simulator",
            Simulated = true,
            FinalState = session?.State.ToString() ?? "Missing",
            StateHistory = session?.History.Select(h => h.State.ToString()).ToList() ?? [],
            AnswerRequests = result.AcceptCount,
            Turns = CallSummaryBuilder.Turns(records),
            DurationMs = session?.EndedAt is { } ended ? (int)(ended - session.CreatedAt).TotalMilliseconds : 0,
            ProtocolErrors = realtime.Records.Errors.Select(e => e.ToString()).ToList(),
        };
        var sip = new SipCallDetails
        {
            SipCallId = result.CallId,
            WebhookId = result.WebhookId,
            WebhookAttempts = result.WebhookAttempts,
            AcceptCount = result.AcceptCount,
            SidebandCount = result.SidebandCount,
            RejectStatus = result.RejectStatus,
            ReferTarget = result.ReferTarget,
            SimulatorEnd = result.End.ToString(),
            WebhookToAcceptMs = WebhookToAcceptMs(session),
            SipHeaders = StoredHeaders(session),
        };
        return summary with { Sip = sip };
    }

    private static async Task<(ReadOnlyMemory<byte> Pcm, IReadOnlyList<string> Transcripts)> LoadCallerAsync(
        CallRunOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        if (options.CallerWav is null)
        {
            progress("speaking the demo caller with espeak-ng");
            var pcm = await CallerAudioSynthesizer.SynthesizeAsync(DemoConversation.CallerUtterances, SipDemoConversation.PauseBetweenUtterances, AudioFormat.Pcm24k, cancellationToken).ConfigureAwait(false);
            return (pcm, options.Transcripts ?? DemoConversation.CallerUtterances);
        }

        var wav = await CallerWav.ReadAsync(options.CallerWav, cancellationToken).ConfigureAwait(false);

        // The simulated SIP leg takes 24 kHz PCM, as OpenAI's side of the call hears it.
        return (PcmResampler.Convert(wav.Pcm, wav.Format.SampleRate, 24_000), options.Transcripts ?? []);
    }
}
