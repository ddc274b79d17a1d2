using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Functions.Calls;
using DvServerless.Functions.CallCommands;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Realtime;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// The agent hears how its transfer went, on the real stack (Azurite, both apps, the ACS and Realtime simulators): when
/// ACS fails the transfer (CallTransferFailed), the Functions app sends the worker that holds the call a note, the worker
/// gives it to the model as a system message with a response, and the agent speaks to the caller again; when ACS
/// accepts it, the session says the caller was transferred.
/// </summary>
public sealed class AgentTransferOutcomeEndToEndTests
{
    [SkippableFact]
    public async Task A_transfer_acs_fails_reaches_the_model_as_a_system_note_and_the_agent_speaks_again()
    {
        var failure = new SimulatedTransferFailure(500, 7503, "Transfer target +14255550199 did not answer.");
        var (stack, result, session, functionsLog) = await PlaceTransferCallAsync(failure);
        await using (stack)
        {
            // The caller stayed with the agent: the call ended by the caller hanging up, not by a transfer.
            Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
            Assert.Empty(result.ProtocolErrors);
            Assert.Contains(result.Callbacks, c => c.Type == "Microsoft.Communication.CallTransferFailed" && c.StatusCode is >= 200 and < 300);

            // The model got the app's own note as a system message, and its next response answered it.
            var transcripts = stack.Realtime!.Records.Transcripts;
            var note = Assert.Single(transcripts, t => t.Role == "system");
            Assert.Equal(TransferNotes.Failed, note.Text);
            var after = transcripts.SkipWhile(t => t != note).Skip(1).ToArray();
            Assert.Contains(after, t => t.Role == "assistant" && t.Text == RealtimeSimulatorOptions.DefaultSystemNoteReply);
            Assert.Empty(stack.Realtime.Records.Errors);

            Assert.NotEqual(CallEventsService.TransferredEndReason, session.EndReason);
            Assert.False(session.Metadata.ContainsKey(CallEventsService.TransferredAtMetadataKey));
            // ACS's reason is logged, its number masked.
            var failed = Assert.Single(functionsLog, line => line.Contains("the transfer failed at ACS (500/7503)", StringComparison.Ordinal));
            Assert.DoesNotContain("+14255550199", failed, StringComparison.Ordinal);
            Assert.Contains(functionsLog, line => line.Contains("the agent was told the transfer did not happen", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task A_transfer_acs_accepts_is_recorded_on_the_session()
    {
        var (stack, result, session, _) = await PlaceTransferCallAsync(failure: null);
        await using (stack)
        {
            Assert.Equal(SimulatedCallOutcome.Transferred, result.Outcome);
            Assert.Equal(CallEventsService.TransferredEndReason, session.EndReason);
            Assert.True(session.Metadata.ContainsKey(CallEventsService.TransferredAtMetadataKey));
            Assert.DoesNotContain(stack.Realtime!.Records.Transcripts, t => t.Role == "system");
        }
    }

    private static async Task<(LocalStack Stack, SimulatedCallResult Result, CallSession Session, string[] FunctionsLog)> PlaceTransferCallAsync(
        SimulatedTransferFailure? failure)
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string[] utterances = ["I would like to talk to a person, please."];
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(utterances, TimeSpan.FromSeconds(1), AudioFormat.Pcm24k, TimeSpan.FromMilliseconds(500), timeout.Token);

        var logs = new CapturingLoggerProvider();
        var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            LogSink = logs,
            CallerTranscripts = utterances,
            AgentReply = (_, _) => "tool:transfer {\"reason\":\"wants a person\"}",
            Greeting = "Hello.",
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            AppSettings = new Dictionary<string, string?> { ["Acs:TransferTarget"] = "+14255550199" },
            ToolsSearchRoot = RepositoryPaths.Root,
        }, _ => { }, timeout.Token);
        try
        {
            var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
            {
                IncomingCallUrl = stack.IncomingCallUrl,
                CallerAudio = caller,
                CallerAudioFormat = AudioFormat.Pcm24k,
                MaxDuration = TimeSpan.FromSeconds(60),
                // Long enough for the transfer's round trip (worker → queue → Functions → ACS → callback → worker) and
                // the agent's answer to the note; the caller hangs up once the agent has been quiet this long.
                HangUpAfterAgentQuiet = TimeSpan.FromSeconds(8),
                TransferFailure = failure,
            }, timeout.Token);
            var result = await call.Completion.WaitAsync(timeout.Token);
            Assert.Equal(1, result.AnswerCount);
            var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
            var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
            Assert.Equal(CallState.Ended, session.State);
            return (stack, result, session, logs.Messages.ToArray());
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }
}
