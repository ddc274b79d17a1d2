using System.CommandLine;
using DvServerless.Core.Audio;
using Spectre.Console;

namespace DvServerless.Cli.Calls;

/// <summary><c>dvs call</c>: starts the local stack and places one simulated ACS phone call end to end.</summary>
public static class CallCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var wav = new Option<FileInfo?>("--wav") { Description = "The caller's audio: PCM16 mono WAV at 8, 16 or 24 kHz. Default: the built-in caller, spoken with espeak-ng." };
        var transcripts = new Option<string?>("--transcripts") { Description = "What the Realtime simulator recognises for each caller utterance, separated by '|'." };
        var output = new Option<FileInfo?>("--out") { Description = "Write what the caller heard of the agent to this WAV file." };
        var json = new Option<FileInfo?>("--json") { Description = "Write a machine-readable summary (turns, barge-ins, final state) to this file." };
        var format = new Option<string>("--format") { Description = "ACS media format: pcm24KMono or pcm16KMono.", DefaultValueFactory = _ => "pcm24KMono" };
        format.AcceptOnlyFromAmong("pcm24KMono", "pcm16KMono");
        var verbose = new Option<bool>("--verbose") { Description = "Show the apps' logs." };
        var sip = new Option<bool>("--sip") { Description = "Place the call over OpenAI Realtime SIP: signed webhook → accept by call_id → sideband (the Realtime simulator plays OpenAI)." };
        var stack = new Option<FileInfo?>("--stack") { Description = "Place the call on a running dvs up (the urls file it wrote) instead of starting a stack: the call is its tenant's and shows on its dashboard." };
        var engine = new Option<string?>("--engine") { Description = "The agent's engine: realtime, cascaded or offline. Default: offline for --wav without an OpenAI key (it hears what the caller really says), else realtime." };
        engine.AcceptOnlyFromAmong([.. DvServerless.Core.Engines.EngineKinds.All]);
        var keys = new Option<string?>("--keys") { Description = "Keys the caller presses on the keypad (e.g. 42#), one every 300 ms from 1 s into the call; ACS only." };
        keys.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } pressed && pressed.Any(k => !DvServerless.Core.Calls.DtmfKey.IsKey(k)))
            {
                result.AddError("--keys takes keypad keys only: 0-9, *, #, A-D.");
            }
        });
        var timeout = new Option<int>("--timeout") { Description = "Give up after this many seconds.", DefaultValueFactory = _ => 120 };

        var command = new Command("call", "Start the local stack and place a simulated ACS phone call end to end.")
        {
            wav, transcripts, output, json, format, verbose, timeout, sip, stack, engine, keys,
        };
        // The running stack has its own media format, engine and recognised transcripts, and answers ACS calls only.
        command.Validators.Add(result =>
        {
            if (result.GetValue(sip) && result.GetValue(keys) is not null)
            {
                result.AddError("--keys does not go with --sip: the simulated caller presses keys on ACS calls.");
            }

            if (result.GetValue(stack) is null)
            {
                return;
            }

            foreach (var (name, set) in new[] { ("--sip", result.GetValue(sip)), ("--transcripts", result.GetValue(transcripts) is not null), ("--verbose", result.GetValue(verbose)), ("--engine", result.GetValue(engine) is not null), ("--keys", result.GetValue(keys) is not null), ("--format", result.GetResult(format) is { Implicit: false }) })
            {
                if (set)
                {
                    result.AddError($"{name} does not go with --stack: the running stack decides it (set it on dvs up, or leave --stack out).");
                }
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = new CallRunOptions
            {
                CallerWav = parseResult.GetValue(wav),
                Transcripts = parseResult.GetValue(transcripts)?.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                AgentWav = parseResult.GetValue(output),
                SummaryJson = parseResult.GetValue(json),
                AcsAudioFormat = parseResult.GetValue(format)!,
                Verbose = parseResult.GetValue(verbose),
                Timeout = TimeSpan.FromSeconds(parseResult.GetValue(timeout)),
                Sip = parseResult.GetValue(sip),
                Stack = parseResult.GetValue(stack),
                Engine = parseResult.GetValue(engine),
                Keys = parseResult.GetValue(keys) ?? string.Empty,
            };
            if (options.Sip)
            {
                return new SipCallRunner(DvsConsole.Out, DvsConsole.Error).RunAsync(options, cancellationToken);
            }

            return new CallRunner(DvsConsole.Out, DvsConsole.Error).RunAsync(options, cancellationToken);
        });
        return command;
    }
}
