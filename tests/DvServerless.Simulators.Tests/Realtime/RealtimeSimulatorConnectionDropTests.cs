using System.Net.WebSockets;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorConnectionDropTests
{
    private static RealtimeSimulatorOptions Options(RealtimeConnectionDrop drop) => new()
    {
        CallerTranscripts = ["first words", "second words"],
        AgentReply = (turn, heard) => $"Turn {turn}: {heard}.",
        GenerationSpeed = 200,
        VadSilenceDurationMs = 200,
        ConnectionDrop = drop,
    };

    private static async Task SpeakAsync(RealtimeTestConnection connection)
    {
        foreach (var chunk in TestSpeech.Chunks(TestSpeech.ToneBurst(300, 600, 400)))
        {
            await connection.SendAsync(TestSpeech.Append(chunk));
        }
    }

    [Fact]
    public async Task After_the_Nth_response_the_socket_is_aborted_without_a_close_frame_and_the_next_session_goes_on_with_the_script()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options(new RealtimeConnectionDrop { AfterResponses = 1 }));
        await using (var first = await RealtimeTestConnection.OpenAsync(simulator))
        {
            await first.ReadSessionCreatedAsync();
            await SpeakAsync(first);
            await first.ReceiveUntilAsync("response.done");
            await first.ReceiveUntilAsync("rate_limits.updated");

            // No close frame: the client's read fails as on a lost connection.
            var lost = await Assert.ThrowsAsync<WebSocketException>(first.ReceiveAsync);
            Assert.Equal(WebSocketError.ConnectionClosedPrematurely, lost.WebSocketErrorCode);
        }

        var drop = Assert.Single(simulator.Records.Drops);
        Assert.Equal(simulator.Records.Sessions[0].SessionId, drop.SessionId);
        Assert.Equal("after 1 responses", drop.Trigger);
        Assert.Equal(1, drop.CallerTurns);

        // The reconnect is not dropped (Sessions = 1), and the caller's next words are the script's next line.
        await using var second = await RealtimeTestConnection.OpenAsync(simulator);
        await second.ReadSessionCreatedAsync();
        await SpeakAsync(second);
        await second.ReceiveUntilAsync("response.done");
        await simulator.Records.WaitForAsync(r => r.Transcripts.Count(t => t.Role == "assistant") == 2, CancellationToken.None);

        Assert.Equal(["first words", "second words"], simulator.Records.Transcripts.Where(t => t.Role == "user").Select(t => t.Text));
        Assert.Equal("Turn 1: second words.", simulator.Records.Transcripts.Last(t => t.Role == "assistant").Text);
        Assert.Single(simulator.Records.Drops);
    }

    [Fact]
    public async Task A_time_trigger_drops_an_idle_session()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options(new RealtimeConnectionDrop { After = TimeSpan.FromMilliseconds(300) }));
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await Assert.ThrowsAsync<WebSocketException>(connection.ReceiveAsync);
        Assert.Equal("after 0.3 s", Assert.Single(simulator.Records.Drops).Trigger);
    }

    [Fact]
    public void A_drop_with_no_trigger_is_refused()
    {
        var options = Options(new RealtimeConnectionDrop());

        var refused = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.Validate);
        Assert.Contains("needs After, AfterResponses or DuringResponse", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drop_into_a_response_cuts_the_agent_off_mid_answer_without_a_response_done()
    {
        // Real-time generation, so that 100 ms into the answer is mid-answer (it is about 1 s of speech).
        var options = Options(new RealtimeConnectionDrop { DuringResponse = 1, IntoResponse = TimeSpan.FromMilliseconds(100) });
        options.GenerationSpeed = 1;
        options.SpeechMsPerCharacter = 60;
        await using var simulator = await RealtimeSimulator.StartAsync(options);
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await SpeakAsync(connection);
        await connection.ReceiveUntilAsync("response.created");

        var types = new List<string>();
        await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            while (await connection.ReceiveAsync() is { } evt)
            {
                types.Add((string)evt["type"]!);
            }
        });

        Assert.Equal("100 ms into response 1", Assert.Single(simulator.Records.Drops).Trigger);
        Assert.Contains("response.output_audio.delta", types);
        Assert.DoesNotContain("response.done", types);
        Assert.DoesNotContain("response.output_audio_transcript.done", types);
        Assert.Empty(simulator.Records.Responses);
    }

    [Fact]
    public void A_drop_into_a_response_needs_a_response_number_from_one_and_no_negative_time()
    {
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(Options(new RealtimeConnectionDrop { DuringResponse = 0 }).Validate);
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(
            Options(new RealtimeConnectionDrop { DuringResponse = 1, IntoResponse = TimeSpan.FromMilliseconds(-1) }).Validate);
        Options(new RealtimeConnectionDrop { DuringResponse = 1 }).Validate();
    }
}
