using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Functions.Sip;
using DvServerless.Simulators.Realtime.Sip;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A tenant that brings its own OpenAI project: its webhook secret names it, and its key — not the gateway's — accepts the
/// call and attaches the worker's sideband. The simulator here plays that project: it accepts only the tenant's key, so
/// anything done with the gateway's key fails.
/// </summary>
public sealed class SipTenantProjectEndToEndTests
{
    private static readonly string TenantSecret = "whsec_" + Convert.ToBase64String("acme-own-openai-project-webhook!"u8.ToArray());
    private static readonly string GatewaySecret = "whsec_" + Convert.ToBase64String("gateway-openai-project-webhook!!"u8.ToArray());
    private static readonly string[] CallerLines = ["Hello there."];

    [SkippableFact]
    public async Task A_call_of_a_tenants_own_project_is_accepted_and_steered_with_that_projects_key()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(CallerLines, TimeSpan.Zero, AudioFormat.Pcm24k, timeout.Token);
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = CallerLines,
            AgentReply = (_, _) => "Hello from your own project.",
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            AppSettings = new Dictionary<string, string?>
            {
                // The gateway's own project: not the one this call lives in (the simulator refuses this key).
                ["OpenAI:ApiKey"] = "sk-gateway-project-key-the-simulator-refuses",
                ["OpenAI:WebhookSecret"] = GatewaySecret,
                ["Tenants:Items:0:Id"] = "acme",
                ["Tenants:Items:0:ApiKey"] = "dvs_acme-e2e-key-0123456789abcdef",
                ["Tenants:Items:0:OpenAIWebhookSecret"] = TenantSecret,
                ["Tenants:Items:0:OpenAIApiKey"] = LocalDefaults.RealtimeSimulatorApiKey,
            },
        }, _ => { }, timeout.Token);

        var result = await stack.Realtime!.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = stack.SipWebhookUrl,
            WebhookSecret = TenantSecret,
            SipHeaders = [new("From", "<sip:+14155550100@trunk.example.com>"), new("To", "<sip:+14155550199@sip.api.openai.com>")],
            CallerAudio = caller,
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1.5),
            MaxCallDuration = TimeSpan.FromSeconds(30),
        }, timeout.Token);

        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(1, result.SidebandCount);
        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Equal("acme", session.TenantId);
        Assert.Equal("acme", session.Metadata[TenantRealtimeProjects.SessionMetadataKey]);
        var turns = await stack.Records.ReadAsync(session.CallId, timeout.Token);
        Assert.Contains(turns, t => t.Kind == "turn" && t.Speaker == "caller" && t.Text == CallerLines[0]);
    }
}
