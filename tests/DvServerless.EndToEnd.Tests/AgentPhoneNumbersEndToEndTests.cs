using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A contact centre's lines through the whole stack: a call to the number the named agent <c>sales</c> lists
/// (<c>Agents__sales__PhoneNumbers__0</c>) reaches the Realtime simulator with sales's instructions; a call to another
/// number runs the default agent.
/// </summary>
public sealed class AgentPhoneNumbersEndToEndTests
{
    private const string SalesLine = "+14255550100";
    private const string SalesInstructions = "You are the Contoso sales line; offer the spring bundle.";

    [SkippableFact]
    public async Task A_call_to_the_sales_line_runs_the_sales_agent_and_a_call_to_another_number_the_default_one()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = ["Hello there."],
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            AppSettings = new Dictionary<string, string?>
            {
                ["Agents:sales:Instructions"] = SalesInstructions,
                ["Agents:sales:PhoneNumbers:0"] = SalesLine,
            },
        }, _ => { }, timeout.Token);
        var realtime = stack.Realtime!;
        var audio = SpeechAudio.SynthesizeWav("Hello there.", 24000);

        var sales = await CallAsync(stack, "4:" + SalesLine, audio, timeout.Token);
        Assert.Equal("sales", CallSessionAgent.Of(sales));
        var salesSession = Assert.Single(realtime.Records.Sessions);
        Assert.Contains(SalesInstructions, salesSession.EffectiveConfigurationJson, StringComparison.Ordinal);

        var other = await CallAsync(stack, "4:+14255550999", audio, timeout.Token);
        Assert.Null(CallSessionAgent.Of(other));
        var otherSession = Assert.Single(realtime.Records.Sessions, s => s.SessionId != salesSession.SessionId);
        Assert.DoesNotContain(SalesInstructions, otherSession.EffectiveConfigurationJson, StringComparison.Ordinal);
    }

    private static async Task<CallSession> CallAsync(LocalStack stack, string to, string audio, CancellationToken cancellationToken)
    {
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            To = to,
            CallerWavPath = audio,
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1),
        }, cancellationToken);
        var result = await call.Completion.WaitAsync(cancellationToken);
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        return await FinalSession.ReadAsync(stack.Sessions, callId, cancellationToken);
    }
}
