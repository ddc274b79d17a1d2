using System.Text.Json.Nodes;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorFunctionCallTests
{
    [Fact]
    public async Task Scripted_tool_call_round_trip_ends_in_a_spoken_reply()
    {
        var options = new RealtimeSimulatorOptions
        {
            GenerationSpeed = 200,
            AgentReply = (_, transcript) => transcript.Contains("open", StringComparison.Ordinal) ? """tool:lookup_hours {"day":"monday"}""" : "Okay.",
            ToolResultReply = (name, output) => $"The {name} result is {output}.",
        };
        await using var simulator = await RealtimeSimulator.StartAsync(options);
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"when are you open"}]}}""");
        await connection.SendAsync("""{"type":"response.create"}""");
        var (done, before) = await connection.ReceiveUntilAsync("response.done");

        var added = before.Single(e => (string?)e["type"] == "response.output_item.added")["item"]!;
        Assert.Equal("function_call", (string?)added["type"]);
        Assert.Equal("lookup_hours", (string?)added["name"]);
        var callId = (string)added["call_id"]!;
        Assert.StartsWith("call_", callId);
        var deltas = before.Where(e => (string?)e["type"] == "response.function_call_arguments.delta").ToList();
        Assert.NotEmpty(deltas);
        Assert.All(deltas, d => Assert.Equal(callId, (string?)d["call_id"]));
        Assert.Equal("""{"day":"monday"}""", string.Concat(deltas.Select(d => (string?)d["delta"])));
        var argumentsDone = before.Single(e => (string?)e["type"] == "response.function_call_arguments.done");
        Assert.Equal("lookup_hours", (string?)argumentsDone["name"]);
        Assert.Equal("""{"day":"monday"}""", (string?)argumentsDone["arguments"]);
        Assert.DoesNotContain(before, e => (string?)e["type"] == "response.output_audio.delta");
        var output = done["response"]!["output"]![0]!;
        Assert.Equal("function_call", (string?)output["type"]);
        Assert.Equal(callId, (string?)output["call_id"]);
        Assert.Equal("completed", (string?)done["response"]!["status"]);

        await connection.SendAsync(new JsonObject
        {
            ["type"] = "conversation.item.create",
            ["item"] = new JsonObject { ["type"] = "function_call_output", ["call_id"] = callId, ["output"] = "9 to 5" },
        });
        await connection.ReceiveUntilAsync("conversation.item.done");
        await connection.SendAsync("""{"type":"response.create"}""");
        var (transcript, _) = await connection.ReceiveUntilAsync("response.output_audio_transcript.done");
        Assert.Equal("The lookup_hours result is 9 to 5.", (string?)transcript["transcript"]);

        Assert.Equal("lookup_hours", simulator.Records.Responses[0].ToolName);
    }
}
