using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;

namespace DvServerless.Simulators.Tests.Acs;

/// <summary>
/// <c>:transferToParticipant</c> answers 202 and its outcome comes as a callback shaped as the 2026-03-12 swagger has it:
/// CallTransferAccepted (then the app's leg is disconnected) or, when the call is told to, CallTransferFailed with the
/// given resultInformation while the call stays connected.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class AcsSimulatorTransferTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new();
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
        _http.Dispose();
    }

    [Fact]
    public async Task A_transfer_told_to_fail_posts_CallTransferFailed_with_its_result_information_and_the_call_stays_up()
    {
        var call = await _simulator.PlaceCallAsync(Call(new SimulatedTransferFailure(500, 7503, "The transfer target did not answer.")));
        var connectionId = await AnswerAsync();

        Assert.Equal(HttpStatusCode.Accepted, await TransferAsync(connectionId));
        var failed = await CallbackAsync("Microsoft.Communication.CallTransferFailed");

        var data = failed.GetProperty("data");
        Assert.Equal(connectionId, data.GetProperty("callConnectionId").GetString());
        Assert.Equal(call.ServerCallId, data.GetProperty("serverCallId").GetString());
        Assert.Equal(call.CorrelationId, data.GetProperty("correlationId").GetString());
        Assert.Equal("agent-transfer", data.GetProperty("operationContext").GetString());
        var result = data.GetProperty("resultInformation");
        Assert.Equal((500, 7503, "The transfer target did not answer."),
            (result.GetProperty("code").GetInt32(), result.GetProperty("subCode").GetInt32(), result.GetProperty("message").GetString()));
        Assert.False(data.TryGetProperty("transferTarget", out _)); // not a field of CallTransferFailed

        // Still the app's call: its properties say connected, and the caller, not a transfer, ends it.
        var properties = await GetAsync(connectionId);
        Assert.Equal("connected", properties.GetProperty("callConnectionState").GetString());
        var ended = await call.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(SimulatedCallOutcome.Transferred, ended.Outcome);
        Assert.DoesNotContain(ended.Callbacks, c => c.Type == "Microsoft.Communication.CallTransferAccepted");
    }

    [Fact]
    public async Task A_transfer_not_told_to_fail_is_accepted_and_the_apps_leg_is_disconnected()
    {
        var call = await _simulator.PlaceCallAsync(Call(failure: null));
        var connectionId = await AnswerAsync();

        Assert.Equal(HttpStatusCode.Accepted, await TransferAsync(connectionId));
        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal(SimulatedCallOutcome.Transferred, result.Outcome);
        var types = result.Callbacks.Select(c => c.Type).ToList();
        var accepted = types.IndexOf("Microsoft.Communication.CallTransferAccepted");
        Assert.True(accepted >= 0);
        Assert.True(types.IndexOf("Microsoft.Communication.CallDisconnected") > accepted);
        Assert.DoesNotContain("Microsoft.Communication.CallTransferFailed", types);
    }

    private SimulatedCallRequest Call(SimulatedTransferFailure? failure) => new()
    {
        IncomingCallUrl = _app.IncomingCallUrl,
        CallerAudio = new byte[(int)(AudioFormat.Pcm24k.BytesPerMillisecond * 500)],
        CallerAudioFormat = AudioFormat.Pcm24k,
        HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1),
        MaxDuration = TimeSpan.FromSeconds(4),
        TransferFailure = failure,
    };

    private async Task<string> AnswerAsync()
    {
        var (_, incoming) = await _app.IncomingCall.Task.WaitAsync(Wait);
        var context = Assert.Single(JsonDocument.Parse(incoming).RootElement.EnumerateArray()).GetProperty("data").GetProperty("incomingCallContext").GetString();
        var body = $$"""{"incomingCallContext":"{{context}}","callbackUri":"{{_app.CallbackUrl}}"}""";
        using var request = TestHmacSigner.Create(HttpMethod.Post, new Uri(_simulator.BaseUrl + "calling/callConnections:answer?api-version=2026-03-12"), body, _simulator.Options.AccessKey);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connectionId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("callConnectionId").GetString()!;
        await CallbackAsync("Microsoft.Communication.CallConnected");
        return connectionId;
    }

    private async Task<HttpStatusCode> TransferAsync(string connectionId)
    {
        const string Body = """{"targetParticipant":{"kind":"phoneNumber","rawId":"4:+14255550199","phoneNumber":{"value":"+14255550199"}},"operationContext":"agent-transfer"}""";
        using var request = TestHmacSigner.Create(HttpMethod.Post,
            new Uri(_simulator.BaseUrl + $"calling/callConnections/{connectionId}:transferToParticipant?api-version=2026-03-12"), Body, _simulator.Options.AccessKey);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonElement> GetAsync(string connectionId)
    {
        using var request = TestHmacSigner.Create(HttpMethod.Get,
            new Uri(_simulator.BaseUrl + $"calling/callConnections/{connectionId}?api-version=2026-03-12"), null, _simulator.Options.AccessKey);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> CallbackAsync(string type)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (_, body) in _app.Callbacks)
            {
                foreach (var callback in JsonDocument.Parse(body).RootElement.EnumerateArray())
                {
                    if (callback.GetProperty("type").GetString() == type)
                    {
                        return callback.Clone();
                    }
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("No " + type + " callback.");
    }
}
