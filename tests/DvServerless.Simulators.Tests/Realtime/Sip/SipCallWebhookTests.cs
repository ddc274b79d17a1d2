using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Simulators.Tests.Realtime.Sip;

public sealed class SipCallWebhookTests
{
    private static string ExpectedSignature(string secret, string id, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    private static async Task<HttpResponseMessage> PostAsync(RealtimeSimulator simulator, string callId, string operation, string? json)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("Authorization", "Bearer " + LocalDefaults.RealtimeSimulatorApiKey);
        return await http.PostAsync($"{simulator.BaseUrl}/realtime/calls/{callId}/{operation}",
            json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task The_webhook_is_signed_per_standard_webhooks_and_retried_with_the_same_id_and_a_new_signature()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_760_000_000));
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { TimeProvider = clock });
        await using var receiver = await TestWebhookReceiver.StartAsync(async (delivery, index) =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            if (index == 0)
            {
                return 500;
            }

            var callId = (string)JsonNode.Parse(delivery.Body)!["data"]!["call_id"]!;
            await PostAsync(simulator, callId, "reject", """{"status_code":486}""");
            return 204;
        });

        var result = await simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = receiver.Url,
            WebhookRetryDelay = TimeSpan.Zero,
            SipHeaders = [new("From", "sip:+14155550100@example.com"), new("X-Tenant", "a"), new("x-tenant", "b")],
        });

        Assert.Equal([500, 204], result.WebhookAttempts);
        Assert.Equal(SipCallEnd.Rejected, result.End);
        Assert.Equal(486, result.RejectStatus);
        Assert.Equal(2, receiver.Deliveries.Count);
        var (first, second) = (receiver.Deliveries[0], receiver.Deliveries[1]);
        Assert.Equal(result.WebhookId, first.Headers["webhook-id"]);
        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Matches("^wh_[0-9a-f]{32}$", first.Headers["webhook-id"]);
        Assert.Equal("1760000000", first.Headers["webhook-timestamp"]);
        Assert.Equal("1760000001", second.Headers["webhook-timestamp"]);
        Assert.NotEqual(first.Headers["webhook-signature"], second.Headers["webhook-signature"]);
        foreach (var delivery in receiver.Deliveries)
        {
            Assert.Equal(
                ExpectedSignature(SipSimulatorDefaults.WebhookSecret, delivery.Headers["webhook-id"], delivery.Headers["webhook-timestamp"], delivery.Body),
                delivery.Headers["webhook-signature"]);
            Assert.StartsWith("application/json", delivery.Headers["content-type"], StringComparison.Ordinal);
            Assert.StartsWith("OpenAI/1.0", delivery.Headers["user-agent"], StringComparison.Ordinal);
        }

        var body = JsonNode.Parse(first.Body)!;
        Assert.Equal("event", (string?)body["object"]);
        Assert.Equal("realtime.call.incoming", (string?)body["type"]);
        Assert.Matches("^evt_", (string?)body["id"]);
        Assert.Equal(1_760_000_000, (long)body["created_at"]!);
        Assert.Equal(result.CallId, (string?)body["data"]!["call_id"]);
        Assert.Matches("^rtc_[0-9a-f]{32}$", result.CallId);
        Assert.Contains("\"sip:+14155550100@example.com\"", Encoding.UTF8.GetString(first.Body), StringComparison.Ordinal);
        Assert.Equal(
            ["From:sip:+14155550100@example.com", "X-Tenant:a", "x-tenant:b"],
            body["data"]!["sip_headers"]!.AsArray().Select(h => $"{(string?)h!["name"]}:{(string?)h["value"]}"));
    }

    [Fact]
    public async Task A_sideband_by_call_id_receives_the_accepted_session_and_the_transcripts_of_the_played_caller_audio()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            CallerTranscripts = ["I would like to book a table"], GenerationSpeed = 20,
        });
        var events = new List<JsonObject>();
        Task? sideband = null;
        await using var receiver = await TestWebhookReceiver.StartAsync(async (delivery, _) =>
        {
            var callId = (string)JsonNode.Parse(delivery.Body)!["data"]!["call_id"]!;
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await PostAsync(simulator, "rtc_unknown", "accept", """{"type":"realtime"}""")).StatusCode);
            var accepted = await PostAsync(simulator, callId, "accept",
                """{"type":"realtime","model":"gpt-realtime","instructions":"You take bookings.","audio":{"input":{"transcription":{"model":"gpt-4o-mini-transcribe"},"turn_detection":{"type":"server_vad","create_response":true}},"output":{"voice":"marin"}}}""");
            Assert.Equal(System.Net.HttpStatusCode.OK, accepted.StatusCode);
            var connection = await RealtimeTestConnection.OpenAsync(simulator, "call_id=" + callId);
            sideband = Task.Run(async () =>
            {
                await using (connection)
                {
                    while (await connection.ReceiveAsync() is { } evt)
                    {
                        events.Add(evt);
                    }
                }
            });
            return 200;
        });

        var result = await simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = receiver.Url,
            CallerAudio = TestSpeech.ToneBurst(100, 700, 100),
            CallerAudioSpeed = 4,
            CallerStartDelay = TimeSpan.Zero,
            HangUpAfterAgentQuiet = TimeSpan.FromMilliseconds(400),
        });
        await sideband!.WaitAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(1, result.SidebandCount);
        var types = events.Select(e => (string?)e["type"]).ToList();
        Assert.Equal("session.created", types[0]);
        Assert.Equal("You take bookings.", (string?)events[0]["session"]!["instructions"]);
        Assert.Equal("marin", (string?)events[0]["session"]!["audio"]!["output"]!["voice"]);
        var transcription = events.Single(e => (string?)e["type"] == "conversation.item.input_audio_transcription.completed");
        Assert.Equal("I would like to book a table", (string?)transcription["transcript"]);
        Assert.Contains("response.output_audio_transcript.done", types);
        Assert.Contains("response.done", types);
        // The answer plays into the call in real time: the buffer starts with its audio and drains after response.done.
        Assert.True(types.IndexOf("output_audio_buffer.started") < types.IndexOf("response.done"));
        Assert.True(types.IndexOf("output_audio_buffer.stopped") > types.IndexOf("response.done"));
        Assert.Equal(
            (string?)events.First(e => (string?)e["type"] == "response.done")["response"]!["id"],
            (string?)events.Single(e => (string?)e["type"] == "output_audio_buffer.stopped")["response_id"]);
        Assert.Contains(result.Transcripts, t => t.Role == "user" && t.Text == "I would like to book a table");
        Assert.Contains(result.Transcripts, t => t.Role == "assistant");
        Assert.Single(result.Responses);
        Assert.Equal(callIdOf(result), simulator.Records.Sessions.Single().CallId);

        static string callIdOf(SipCallResult r) => r.CallId;
    }
}
