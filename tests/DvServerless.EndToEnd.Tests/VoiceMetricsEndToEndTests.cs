using System.Globalization;
using System.Text.RegularExpressions;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Minutes;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// After one simulated call through the whole stack, the worker's Prometheus endpoint carries every <c>dvgw_</c> series a
/// user scrapes, with counts from that call, and the call's minutes carry its cost.
/// </summary>
public sealed partial class VoiceMetricsEndToEndTests
{
    private static readonly string[] Histograms =
    [
        "dvgw_stt_latency_ms", "dvgw_llm_ttft_ms", "dvgw_tts_latency_ms", "dvgw_e2e_latency_ms", "dvgw_bargein_reaction_ms", "dvgw_first_audio_ms",
    ];

    private static readonly string[] Counters = ["dvgw_transcripts_total", "dvgw_errors_total", "dvgw_cost_usd_total"];

    [SkippableFact]
    public async Task A_call_with_a_barge_in_and_a_failing_tool_fills_every_dvgw_series_and_prices_the_call()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(DemoConversation.CallerUtterances, DemoConversation.PauseBetweenUtterances, AudioFormat.Pcm24k,
            DemoConversation.LeadingSilence, timeout.Token);

        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = DemoConversation.CallerUtterances,
            // The second answer calls a tool the worker does not have: an error on the call, then the agent goes on.
            AgentReply = (turn, text) => turn == 1 ? "tool:lookup_order {\"order\":42}" : DemoConversation.AgentReply(turn, text),
            Greeting = DemoConversation.Greeting,
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            CreateTenant = true,
            // The simulated call dials the tenant's number, so its measurements carry the tenant's label.
            AppSettings = new Dictionary<string, string?> { ["Tenants:Items:0:PhoneNumbers:0"] = "+14255550100" },
        }, _ => { }, timeout.Token);

        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(60),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(3),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);
        await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);

        using var http = new HttpClient();
        // The session reads Ended when ACS's CallDisconnected reaches the Functions app; the worker ends its side of the
        // call (and counts it inactive) on its own time, which on a loaded machine can be later.
        var metrics = await WaitForAsync(http, stack.MetricsUrl, text => text.Contains("dvgw_active_calls", StringComparison.Ordinal)
            && Value(text, "dvgw_transcripts_total") >= 4 && Value(text, "dvgw_active_calls", ThisCall) == 0, timeout.Token);

        foreach (var histogram in Histograms)
        {
            Assert.True(Value(metrics, histogram + "_count") >= 1, $"{histogram} has no sample:\n{Grep(metrics, histogram)}");
        }

        foreach (var counter in Counters)
        {
            Assert.True(Value(metrics, counter) > 0, $"{counter} is zero or missing:\n{Grep(metrics, counter)}");
        }

        // The call is over: no call of this tenant is counted active any more. (Meters are per process: the other
        // end-to-end tests' stacks in this process show up under their own labels, hence the filter.)
        Assert.Equal(0, Value(metrics, "dvgw_active_calls", ThisCall));
        Assert.True(Value(metrics, "dvgw_e2e_latency_ms_count", ThisCall) >= 1, Grep(metrics, "dvgw_e2e_latency_ms_count"));

        // The cost the metric counted is the one the minutes carry.
        var records = await stack.Records.ReadAsync(callId, timeout.Token);
        var cost = Assert.Single(records, r => r.Kind == "cost");
        Assert.True(cost.CostUsd > 0);
        var minutes = MinutesBuilder.Build(new MinutesCallInfo(callId), records);
        Assert.Equal(cost.CostUsd, minutes.CostUsd);
        Assert.Equal((double)cost.CostUsd!.Value, Value(metrics, "dvgw_cost_usd_total", ThisCall), 6);
    }

    private static async Task<string> WaitForAsync(HttpClient http, Uri url, Func<string, bool> ready, CancellationToken cancellationToken)
    {
        // The summary and the last transcripts are recorded as the call ends, just after the session reads Ended.
        var text = string.Empty;
        for (var i = 0; i < 50; i++)
        {
            text = await http.GetStringAsync(url, cancellationToken);
            if (ready(text))
            {
                return text;
            }

            await Task.Delay(200, cancellationToken);
        }

        return text;
    }

    /// <summary>The labels of this test's call: its tenant (the number it dialled) on the ACS channel.</summary>
    private const string ThisCall = "tenant=\"local\"";

    /// <summary>
    /// The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="labels"/> and
    /// <c>channel="acs"</c> (or of all label sets when no filter is given); NaN when there is none.
    /// </summary>
    private static double Value(string metrics, string name, string? labels = null)
    {
        double sum = 0;
        var found = false;
        foreach (Match match in SampleLine().Matches(metrics))
        {
            var set = match.Groups["labels"].Value;
            if (match.Groups["name"].Value == name
                && (labels is null || (set.Contains(labels, StringComparison.Ordinal) && set.Contains("channel=\"acs\"", StringComparison.Ordinal))))
            {
                sum += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
                found = true;
            }
        }

        return found ? sum : double.NaN;
    }

    private static string Grep(string metrics, string name) =>
        string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal)));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})?\s+(?<value>[-+0-9.eEInfNa]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
