using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Simulators.Tests.Acs;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class AcsSimulatorCallTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private AcsSimulator _simulator = null!;
    private AcsAppDouble _app = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _simulator = await AcsSimulator.StartAsync(new AcsSimulatorOptions(), CancellationToken.None);
        _app = await AcsAppDouble.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
        await _app.DisposeAsync();
    }

    private SimulatedCallRequest Call(double callerSeconds = 1.0, double quietSeconds = 0.5) => new()
    {
        IncomingCallUrl = _app.IncomingCallUrl,
        CallerAudio = new byte[(int)(AudioFormat.Pcm24k.BytesPerMillisecond * 1000 * callerSeconds)].Select((_, i) => (byte)(i % 2 == 0 ? 0x10 : 0x01)).ToArray(),
        CallerAudioFormat = AudioFormat.Pcm24k,
        HangUpAfterAgentQuiet = TimeSpan.FromSeconds(quietSeconds),
        MaxDuration = TimeSpan.FromSeconds(4),
    };

    private string MediaOptions(bool start = true, bool? dtmf = null) =>
        $$"""{"transportType":"websocket","audioChannelType":"mixed","transportUrl":"{{_app.MediaUrl}}","contentType":"audio","startMediaStreaming":{{(start ? "true" : "false")}},"enableBidirectional":true,"audioFormat":"pcm24KMono"{{(dtmf is { } on ? ",\"enableDtmfTones\":" + (on ? "true" : "false") : "")}}}""";

    private async Task<string> IncomingCallContextAsync()
    {
        var (headers, body) = await _app.IncomingCall.Task.WaitAsync(Wait);
        Assert.Equal("Notification", headers["aeg-event-type"]);
        var incoming = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        return incoming.GetProperty("data").GetProperty("incomingCallContext").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AnswerAsync(string context, string? requestId = null, string? firstSent = null, bool? dtmf = null)
    {
        var body = $$"""{"incomingCallContext":"{{context}}","callbackUri":"{{_app.CallbackUrl}}","operationContext":"op-1","mediaStreamingOptions":{{MediaOptions(dtmf: dtmf)}}}""";
        using var request = TestHmacSigner.Create(HttpMethod.Post, new Uri(_simulator.BaseUrl + "calling/callConnections:answer?api-version=2026-03-12"), body, _simulator.Options.AccessKey);
        if (requestId is not null)
        {
            request.Headers.TryAddWithoutValidation("Repeatability-Request-ID", requestId);
            request.Headers.TryAddWithoutValidation("Repeatability-First-Sent", firstSent);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<HttpStatusCode> HangUpAsync(string callConnectionId)
    {
        using var request = TestHmacSigner.Create(HttpMethod.Delete, new Uri(_simulator.BaseUrl + $"calling/callConnections/{callConnectionId}?api-version=2026-03-12"), null, _simulator.Options.AccessKey);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task An_unacknowledged_incoming_call_is_redelivered_as_event_grid_does_until_a_2xx()
    {
        _app.IncomingStatuses.Enqueue(503);
        _app.IncomingStatuses.Enqueue(500);
        var call = await _simulator.PlaceCallAsync(Call() with
        {
            AnswerTimeout = TimeSpan.FromSeconds(2),
            RedeliveryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)],
        });

        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal([503, 500, 200], result.IncomingCallDeliveries);
        Assert.Equal(["0", "1", "2"], _app.IncomingDeliveryCounts);
        Assert.Equal(SimulatedCallOutcome.NotAnswered, result.Outcome);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task A_status_event_grid_does_not_retry_is_delivered_once(int status)
    {
        _app.IncomingStatuses.Enqueue(status);
        var call = await _simulator.PlaceCallAsync(Call() with
        {
            AnswerTimeout = TimeSpan.FromMilliseconds(500),
            RedeliveryDelays = [TimeSpan.FromMilliseconds(20)],
        });

        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal([status], result.IncomingCallDeliveries);
        Assert.Equal(SimulatedCallOutcome.DeliveryFailed, result.Outcome);
    }

    [Fact]
    public async Task IncomingCall_is_an_event_grid_array_with_the_recorded_shape()
    {
        await _simulator.PlaceCallAsync(Call() with { AnswerTimeout = TimeSpan.FromSeconds(1) });

        var (_, body) = await _app.IncomingCall.Task.WaitAsync(Wait);

        var incoming = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        Assert.Equal("Microsoft.Communication.IncomingCall", incoming.GetProperty("eventType").GetString());
        Assert.Equal("1.0", incoming.GetProperty("dataVersion").GetString());
        Assert.Equal("1", incoming.GetProperty("metadataVersion").GetString());
        Assert.Equal("/caller/4:+14255550123/recipient/4:+14255550100", incoming.GetProperty("subject").GetString());
        Assert.Contains("/providers/Microsoft.Communication/communicationServices/", incoming.GetProperty("topic").GetString());
        var data = incoming.GetProperty("data");
        Assert.Equal("phoneNumber", data.GetProperty("from").GetProperty("kind").GetString());
        Assert.Equal("+14255550123", data.GetProperty("from").GetProperty("phoneNumber").GetProperty("value").GetString());
        Assert.Equal("4:+14255550100", data.GetProperty("to").GetProperty("rawId").GetString());
        Assert.Equal(JsonValueKind.Object, data.GetProperty("customContext").GetProperty("sipHeaders").ValueKind);
        Assert.False(string.IsNullOrEmpty(data.GetProperty("incomingCallContext").GetString()));
        Assert.True(Guid.TryParse(data.GetProperty("correlationId").GetString(), out _));
    }

    [Fact]
    public async Task Answer_returns_connecting_then_posts_a_signed_CallConnected_array()
    {
        var call = await _simulator.PlaceCallAsync(Call());
        var (status, answer) = await AnswerAsync(await IncomingCallContextAsync());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("connecting", answer.GetProperty("callConnectionState").GetString());
        var connectionId = answer.GetProperty("callConnectionId").GetString();
        Assert.Equal(_app.CallbackUrl, answer.GetProperty("callbackUri").GetString());
        Assert.Equal(call.MediaSubscriptionId, answer.GetProperty("mediaStreamingSubscription").GetProperty("id").GetString());

        await call.Answered.WaitAsync(Wait);
        var deadline = DateTime.UtcNow + Wait;
        while (_app.Callbacks.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(_app.Callbacks.TryPeek(out var first));
        var connected = Assert.Single(JsonDocument.Parse(first.Body).RootElement.EnumerateArray());
        Assert.Equal("Microsoft.Communication.CallConnected", connected.GetProperty("type").GetString());
        Assert.Equal("calling/callConnections/" + connectionId, connected.GetProperty("source").GetString());
        Assert.Equal("calling/callConnections/" + connectionId, connected.GetProperty("subject").GetString());
        Assert.Equal("1.0", connected.GetProperty("specversion").GetString());
        Assert.Equal("application/json", connected.GetProperty("datacontenttype").GetString());
        Assert.EndsWith("+00:00", connected.GetProperty("time").GetString());
        var data = connected.GetProperty("data");
        Assert.Equal(connectionId, data.GetProperty("callConnectionId").GetString());
        Assert.Equal(call.ServerCallId, data.GetProperty("serverCallId").GetString());
        Assert.Equal(call.CorrelationId, data.GetProperty("correlationId").GetString());
        Assert.Equal("op-1", data.GetProperty("operationContext").GetString());
        Assert.Equal(200, data.GetProperty("resultInformation").GetProperty("code").GetInt32());
        Assert.Equal(0, data.GetProperty("resultInformation").GetProperty("subCode").GetInt32());
        Assert.Equal("Microsoft.Communication.CallConnected", data.GetProperty("publicEventType").GetString());

        Assert.StartsWith("Bearer ", first.Authorization);
        var jwks = new JsonWebKeySet(await _http.GetStringAsync(_simulator.BaseUrl + "calling/keys"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(first.Authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = "https://acscallautomation.communication.azure.com",
            ValidAudience = _simulator.Options.ResourceId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var lifetime = ((JsonWebToken)validation.SecurityToken).ValidTo - ((JsonWebToken)validation.SecurityToken).ValidFrom;
        Assert.Equal(TimeSpan.FromMinutes(5), lifetime);

        Assert.Equal(HttpStatusCode.NoContent, await HangUpAsync(connectionId!));
        var result = await call.Completion.WaitAsync(Wait);
        Assert.Equal(SimulatedCallOutcome.AppHungUp, result.Outcome);
        Assert.Equal(7000, result.DisconnectSubCode);
        Assert.Contains(result.Callbacks, callback => callback.Type == "Microsoft.Communication.CallDisconnected" && callback.StatusCode == 200);
    }

    [Fact]
    public async Task Media_socket_gets_metadata_then_real_time_AudioData_with_exact_casing()
    {
        var call = await _simulator.PlaceCallAsync(Call(callerSeconds: 1.0, quietSeconds: 0.3));
        await AnswerAsync(await IncomingCallContextAsync());

        var headers = await _app.MediaHeaders.Task.WaitAsync(Wait);
        var result = await call.Completion.WaitAsync(Wait);
        await _app.MediaClosed.Task.WaitAsync(Wait);

        Assert.Equal(call.CallConnectionId, headers["x-ms-call-connection-id"]);
        Assert.Equal(call.CorrelationId, headers["x-ms-call-correlation-id"]);
        Assert.StartsWith("Bearer ", headers["Authorization"]);
        var token = new JsonWebToken(headers["Authorization"]["Bearer ".Length..]);
        Assert.Equal(TimeSpan.FromHours(24), token.ValidTo - token.ValidFrom);

        var frames = _app.MediaFrames.ToArray();
        var metadata = JsonDocument.Parse(frames[0].Text).RootElement;
        Assert.Equal("AudioMetadata", metadata.GetProperty("kind").GetString());
        var audioMetadata = metadata.GetProperty("audioMetadata");
        Assert.Equal(call.MediaSubscriptionId, audioMetadata.GetProperty("subscriptionId").GetString());
        Assert.Equal("PCM", audioMetadata.GetProperty("encoding").GetString());
        Assert.Equal(24000, audioMetadata.GetProperty("sampleRate").GetInt32());
        Assert.Equal(1, audioMetadata.GetProperty("channels").GetInt32());
        Assert.Equal(960, audioMetadata.GetProperty("length").GetInt32());

        var audio = JsonDocument.Parse(frames[1].Text).RootElement;
        Assert.Equal("AudioData", audio.GetProperty("kind").GetString());
        var audioData = audio.GetProperty("audioData");
        Assert.Equal(["timestamp", "participantRawID", "data", "silent"], audioData.EnumerateObject().Select(property => property.Name));
        Assert.Equal("4:+14255550123", audioData.GetProperty("participantRawID").GetString());
        Assert.Equal(960, audioData.GetProperty("data").GetBytesFromBase64().Length);
        Assert.False(audioData.GetProperty("silent").GetBoolean());
        Assert.EndsWith("Z", audioData.GetProperty("timestamp").GetString());
        var last = JsonDocument.Parse(frames[^1].Text).RootElement.GetProperty("audioData");
        Assert.True(last.GetProperty("silent").GetBoolean());

        // Real-time pacing: never faster than real time (a loaded machine can only make it slower, which a lower bound on
        // the frames in the first second turned into a flaky test): at most about 50 frames in any first second, and the
        // frames spread over at least the audio's own length.
        var start = frames[1].At;
        var firstSecond = frames.Skip(1).Count(frame => frame.At - start < TimeSpan.FromSeconds(1));
        Assert.InRange(firstSecond, 1, 55);
        var audioFrames = frames.Length - 1;
        Assert.True(frames[^1].At - start >= TimeSpan.FromMilliseconds(20 * (audioFrames - 1) * 0.9),
            $"{audioFrames} frames of 20 ms went out in {(frames[^1].At - start).TotalMilliseconds:0} ms");

        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.Equal(5001, result.DisconnectSubCode);
        Assert.True(result.MediaConnected);
        Assert.Equal(frames.Length - 1, result.AudioFramesSent);
        Assert.Equal(
            ["Microsoft.Communication.CallConnected", "Microsoft.Communication.MediaStreamingStarted", "Microsoft.Communication.CallDisconnected"],
            result.Callbacks.Select(callback => callback.Type));
        var started = JsonDocument.Parse(result.Callbacks[1].Body).RootElement[0].GetProperty("data").GetProperty("mediaStreamingUpdate");
        Assert.Equal("Audio", started.GetProperty("contentType").GetString());
        Assert.Equal("subscriptionStarted", started.GetProperty("mediaStreamingStatusDetails").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(null)]
    public async Task Keys_are_streamed_as_DtmfData_in_the_documented_shape_only_when_the_answer_enabled_dtmf_tones(bool? enableDtmfTones)
    {
        var call = await _simulator.PlaceCallAsync(Call(callerSeconds: 0.5, quietSeconds: 0.3) with
        {
            Keypresses = [new('4', TimeSpan.FromMilliseconds(100)), new('#', TimeSpan.FromMilliseconds(300))],
        });
        await AnswerAsync(await IncomingCallContextAsync(), dtmf: enableDtmfTones);

        var result = await call.Completion.WaitAsync(Wait);
        await _app.MediaClosed.Task.WaitAsync(Wait);

        var dtmf = _app.MediaFrames.Select(frame => frame.Text).Where(text => text.Contains("DtmfData", StringComparison.Ordinal)).ToArray();
        if (enableDtmfTones == true)
        {
            // PROTOCOL.md §5.2: {"kind":"DtmfData","dtmfData":{"data":"<tone>"}}, after the audio of the tick it is due in.
            Assert.Equal(["""{"kind":"DtmfData","dtmfData":{"data":"4"}}""", """{"kind":"DtmfData","dtmfData":{"data":"#"}}"""], dtmf);
            Assert.Equal(['4', '#'], result.TonesSent);
        }
        else
        {
            Assert.Empty(dtmf);
            Assert.Empty(result.TonesSent);
        }

        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
    }

    [Fact]
    public async Task A_key_that_is_not_on_a_keypad_is_refused_when_the_call_is_placed()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _simulator.PlaceCallAsync(Call() with { Keypresses = [new('x', TimeSpan.Zero)] }));
    }

    [Fact]
    public async Task All_three_outbound_spellings_play_and_StopAudio_flushes_the_queue()
    {
        var second = Convert.ToBase64String(new byte[48_000]); // 1 s of PCM 24 kHz per message
        _app.MediaScript = async socket =>
        {
            foreach (var text in new[]
            {
                $$"""{"Kind":"AudioData","AudioData":{"Data":"{{second}}"},"StopAudio":null}""",
                $$"""{"Kind":"AudioData","AudioData":{"Data":"{{second}}","Timestamp":"0001-01-01T00:00:00+00:00","Participant":null,"IsSilent":false,"Mark":null},"StopAudio":null,"MarkData":null}""",
                $$$"""{"kind":"audioData","audioData":{"data":"{{{second}}}","isSilent":false},"stopAudio":{}}""",
            })
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            await Task.Delay(400);
            await socket.SendAsync("""{"kind":"stopAudio","stopAudio":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.SendAsync("""{"Kind":"StopAudio","AudioData":null,"StopAudio":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.SendAsync("""{"kind":"AudioData","audioData":{"data":""}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        };
        var call = await _simulator.PlaceCallAsync(Call(callerSeconds: 0.2, quietSeconds: 0.4));
        await AnswerAsync(await IncomingCallContextAsync());

        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal(
            [OutboundMediaSpelling.DocsPascalCase, OutboundMediaSpelling.DotNetPascalCase, OutboundMediaSpelling.JsCamelCase,
             OutboundMediaSpelling.JsCamelCase, OutboundMediaSpelling.DocsPascalCase, OutboundMediaSpelling.Invalid],
            result.OutboundMessages.Select(message => message.Spelling));
        Assert.Equal(48_000, result.OutboundMessages[0].AudioBytes);
        var error = Assert.Single(result.ProtocolErrors);
        Assert.Contains("'kind'", error);
        Assert.Equal(2, result.StopAudios.Count);
        Assert.True(result.StopAudios[0].FlushedMs > 2000, $"flushed {result.StopAudios[0].FlushedMs} ms");
        Assert.Equal(0, result.StopAudios[1].FlushedMs);
        var heardMs = result.HeardFormat.DurationMs(result.HeardAudio.Length);
        Assert.InRange(heardMs, 200, 1000);
        var segment = Assert.Single(result.Segments);
        Assert.True(segment.EndedByStopAudio);
        Assert.Equal(heardMs, segment.PlayedMs);
    }

    [Fact]
    public async Task A_second_answer_of_the_same_call_is_refused_and_counted()
    {
        var call = await _simulator.PlaceCallAsync(Call());
        var context = await IncomingCallContextAsync();

        var first = await AnswerAsync(context);
        var second = await AnswerAsync(context);
        await HangUpAsync(first.Body.GetProperty("callConnectionId").GetString()!);
        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.Equal("BadRequest", second.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, result.AnswerCount);
        Assert.Equal(2, result.AnswerAttempts);
    }

    [Fact]
    public async Task A_retried_answer_with_the_same_repeatability_headers_returns_the_first_result()
    {
        var call = await _simulator.PlaceCallAsync(Call());
        var context = await IncomingCallContextAsync();
        var requestId = Guid.NewGuid().ToString();
        var firstSent = DateTimeOffset.UtcNow.ToString("r");

        var first = await AnswerAsync(context, requestId, firstSent);
        var retry = await AnswerAsync(context, requestId, firstSent);
        await HangUpAsync(first.Body.GetProperty("callConnectionId").GetString()!);
        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(first.Body.GetProperty("callConnectionId").GetString(), retry.Body.GetProperty("callConnectionId").GetString());
        Assert.Equal(1, result.AnswerAttempts);
    }

    [Fact]
    public async Task Refused_media_connection_posts_MediaStreamingFailed()
    {
        var call = await _simulator.PlaceCallAsync(Call());
        var context = await IncomingCallContextAsync();
        using var closed = new DvServerless.Testing.ClosedTcpPort();
        var deadPort = closed.Port;
        var body = $$$"""{"incomingCallContext":"{{{context}}}","callbackUri":"{{{_app.CallbackUrl}}}","mediaStreamingOptions":{"transportType":"websocket","audioChannelType":"mixed","transportUrl":"ws://127.0.0.1:{{{deadPort}}}/media","startMediaStreaming":true,"enableBidirectional":true,"audioFormat":"pcm16KMono"}}""";
        using var request = TestHmacSigner.Create(HttpMethod.Post, new Uri(_simulator.BaseUrl + "calling/callConnections:answer?api-version=2026-03-12"), body, _simulator.Options.AccessKey);
        using var response = await _http.SendAsync(request);
        var connectionId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("callConnectionId").GetString()!;

        var deadline = DateTime.UtcNow + Wait;
        while (!_app.Callbacks.Any(callback => callback.Body.Contains("MediaStreamingFailed")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await HangUpAsync(connectionId);
        var result = await call.Completion.WaitAsync(Wait);

        Assert.False(result.MediaConnected);
        Assert.NotNull(result.MediaConnectError);
        var failed = result.Callbacks.Single(callback => callback.Type == "Microsoft.Communication.MediaStreamingFailed");
        Assert.Contains("initialWebSocketConnectionFailed", failed.Body);
    }

    [Fact]
    public async Task A_media_socket_lost_mid_call_posts_MediaStreamingFailed_then_CallDisconnected_and_ends_the_call()
    {
        // The app's end of the socket goes away with no close handshake, as when its process is killed: mid-call, once
        // ACS's first media message has arrived (aborting at once could beat the handshake, a failed connect instead).
        _app.MediaScript = async socket =>
        {
            while (_app.MediaFrames.IsEmpty)
            {
                await Task.Delay(10);
            }

            socket.Abort();
        };
        var call = await _simulator.PlaceCallAsync(Call(callerSeconds: 3, quietSeconds: 30));
        await AnswerAsync(await IncomingCallContextAsync());

        var result = await call.Completion.WaitAsync(Wait);

        Assert.Equal(SimulatedCallOutcome.MediaLost, result.Outcome);
        Assert.True(result.MediaConnected);
        var types = result.Callbacks.Select(c => c.Type).ToList();
        var failed = types.IndexOf("Microsoft.Communication.MediaStreamingFailed");
        var disconnected = types.IndexOf("Microsoft.Communication.CallDisconnected");
        Assert.InRange(failed, 0, disconnected - 1);
        Assert.Contains("\"mediaStreamingStatusDetails\":\"streamConnectionInterrupted\"", result.Callbacks[failed].Body, StringComparison.Ordinal);
        Assert.Contains("\"subCode\":5001", result.Callbacks[disconnected].Body, StringComparison.Ordinal);
        Assert.Empty(result.ProtocolErrors);
    }

    [Fact]
    public async Task Subscription_validation_reports_an_endpoint_that_does_not_echo_the_code()
    {
        var result = await AcsSimulator.SendSubscriptionValidationAsync(_app.IncomingCallUrl, IncomingCallEventSchema.EventGrid);

        Assert.Equal(200, result.StatusCode);
        Assert.False(result.Succeeded);
        Assert.NotNull(result.ValidationCode);
    }
}
