using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;

namespace DvServerless.Simulators.Tests.Acs.Reference;

/// <summary>
/// The official Call Automation SDK (npm <c>@azure/communication-call-automation</c> 1.6.0) against the ACS simulator:
/// its HMAC-signed answer, play and terminate must all pass the simulator's signature check and request validation, as
/// they pass real ACS. This pins the simulator (and so every test that trusts it) to Microsoft's own client.
/// </summary>
public sealed class AcsReferenceClientTests : IAsyncLifetime
{
    private AcsSimulator _simulator = null!;
    private AcsAppDouble _app = null!;

    public async Task InitializeAsync()
    {
        _simulator = await AcsSimulator.StartAsync(new AcsSimulatorOptions(), CancellationToken.None);
        _app = await AcsAppDouble.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        await _app.DisposeAsync();
    }

    [SkippableFact]
    public async Task The_official_sdk_answers_plays_and_terminates_a_simulated_call()
    {
        var script = AcsReferenceSdk.RequireScript();
        var call = await _simulator.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = _app.IncomingCallUrl,
            CallerAudio = new byte[AudioFormat.Pcm24k.FrameBytes() * 50],
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(20),
            AnswerTimeout = TimeSpan.FromSeconds(20),
        }, CancellationToken.None);
        var (_, incoming) = await _app.IncomingCall.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var context = JsonDocument.Parse(incoming).RootElement[0].GetProperty("data").GetProperty("incomingCallContext").GetString()!;

        var (exitCode, output, error) = await AcsReferenceSdk.RunAsync(script, new Dictionary<string, string?>
        {
            ["DVS_ACS_CONNECTION_STRING"] = _simulator.ConnectionString,
            ["DVS_INCOMING_CALL_CONTEXT"] = context,
            ["DVS_CALLBACK_URL"] = _app.CallbackUrl,
            ["DVS_TRANSPORT_URL"] = _app.MediaUrl,
        });

        Assert.True(exitCode == 0, $"the SDK failed ({exitCode}): {error}\n{output}");
        Assert.Equal(["answer", "play", "terminate"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("op").GetString()!).ToArray());

        // Every request the SDK sent passed the simulator's HMAC check and validation, with the spec's success codes.
        var requests = _simulator.Requests.Where(r => r.Operation is not null).ToList();
        Assert.Equal([200, 202, 204], requests.Select(r => r.StatusCode).ToArray());
        Assert.All(requests, r => Assert.StartsWith("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=", r.Headers["Authorization"], StringComparison.Ordinal));

        var result = await call.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, result.AnswerCount);
        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Empty(result.ProtocolErrors);
    }
}
