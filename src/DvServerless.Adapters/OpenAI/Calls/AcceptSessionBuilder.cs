using System.Text.Json.Nodes;
using DvServerless.Adapters.Engines;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// Builds the GA <c>/accept</c> body (spec <c>RealtimeSessionCreateRequestGA</c>) for a SIP call from the agent:
/// <c>{type:"realtime", model, instructions, audio:{input:{transcription?, turn_detection}, output:{voice, speed?}}, tools?}</c>
/// (the agent's voice options as <see cref="AgentDelivery"/> maps them).
/// OpenAI refuses <c>threshold</c>, <c>prefix_padding_ms</c> and <c>silence_duration_ms</c> for SIP (PROTOCOL §2.3),
/// so turn detection carries only its type and the response switches, whatever the agent's VAD numbers say; audio
/// formats are left out because the carrier and OpenAI negotiate G.711 in SDP.
/// </summary>
public static class AcceptSessionBuilder
{
    /// <summary>The tool the agent calls to end the call (the worker answers with a hangup).</summary>
    public const string EndCallToolName = AgentTools.EndCallName;

    /// <summary>The tool the agent calls to transfer the caller (the worker answers with a refer to the configured target).</summary>
    public const string TransferToolName = AgentTools.TransferName;

    /// <summary>Builds the accept body; <paramref name="tools"/> (function tools) are added when non-empty.</summary>
    public static JsonObject Build(AgentOptions agent, IEnumerable<JsonObject>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var input = new JsonObject();
        if (!string.IsNullOrWhiteSpace(agent.TranscriptionModel))
        {
            input["transcription"] = new JsonObject { ["model"] = agent.TranscriptionModel };
        }

        input["turn_detection"] = new JsonObject
        {
            ["type"] = agent.TurnDetection == "semantic_vad" ? "semantic_vad" : "server_vad",
            ["create_response"] = true,
            ["interrupt_response"] = true,
        };
        var voice = agent.EffectiveVoiceOptions();
        var output = new JsonObject { ["voice"] = agent.Voice };
        if (voice is not null)
        {
            output["speed"] = AgentDelivery.RealtimeSpeed(voice);
        }

        var session = new JsonObject
        {
            ["type"] = "realtime",
            ["model"] = agent.Model,
            ["instructions"] = AgentDelivery.Instructions(agent.Instructions, voice),
            ["audio"] = new JsonObject
            {
                ["input"] = input,
                ["output"] = output,
            },
        };
        var toolArray = new JsonArray();
        foreach (var tool in tools ?? [])
        {
            toolArray.Add(tool.DeepClone());
        }

        if (toolArray.Count > 0)
        {
            session["tools"] = toolArray;
        }

        return session;
    }

    /// <summary>The <c>end_call</c> function tool: the agent ends the call after saying goodbye.</summary>
    public static JsonObject CreateEndCallTool() => ToJson(AgentTools.EndCall);

    /// <summary>The <c>transfer</c> function tool: the agent hands the caller to a human (the target is configured, not chosen by the model).</summary>
    public static JsonObject CreateTransferTool() => ToJson(AgentTools.Transfer);

    /// <summary>A tool as the accept body's <c>tools</c> entry, from the one definition every engine declares.</summary>
    public static JsonObject ToJson(AgentTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return new JsonObject
        {
            ["type"] = "function",
            ["name"] = tool.Name,
            ["description"] = tool.Description,
            ["parameters"] = JsonNode.Parse(tool.ParametersJsonSchema),
        };
    }
}
