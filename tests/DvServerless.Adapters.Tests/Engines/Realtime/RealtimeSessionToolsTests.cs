using System.Text.Json;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>The agent's tools reach the model: declared in <c>session.update</c> in the GA shape, from one definition.</summary>
public sealed class RealtimeSessionToolsTests
{
    private static byte[] SessionUpdate(AgentOptions agent)
    {
        var writer = new RealtimeClientEventWriter();
        writer.WriteSessionUpdate("evt_1", agent, maxOutputTokens: null);
        return writer.WrittenMemory.ToArray();
    }

    [Fact]
    public void An_agent_with_tools_declares_each_as_a_function_with_its_schema_and_tool_choice_auto()
    {
        var agent = new AgentOptions { Tools = [AgentTools.EndCall, AgentTools.Transfer] };

        using var json = JsonDocument.Parse(SessionUpdate(agent));

        var session = json.RootElement.GetProperty("session");
        var tools = session.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["end_call", "transfer"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tools, t => Assert.Equal("function", t.GetProperty("type").GetString()));
        Assert.Equal("object", tools[0].GetProperty("parameters").GetProperty("type").GetString());
        Assert.True(tools[0].GetProperty("parameters").GetProperty("properties").TryGetProperty("reason", out _));
        Assert.Equal("auto", session.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public void An_agent_without_tools_sends_no_tools_key()
    {
        using var json = JsonDocument.Parse(SessionUpdate(new AgentOptions()));

        Assert.False(json.RootElement.GetProperty("session").TryGetProperty("tools", out _));
        Assert.False(json.RootElement.GetProperty("session").TryGetProperty("tool_choice", out _));
    }

    [Fact]
    public void A_tools_only_update_changes_the_tools_and_nothing_else()
    {
        var writer = new RealtimeClientEventWriter();
        writer.WriteSessionToolsUpdate("evt_t", [AgentTools.EndCall, AgentTools.Transfer]);
        using var json = JsonDocument.Parse(writer.WrittenMemory.ToArray());

        var session = json.RootElement.GetProperty("session");
        Assert.Equal(["type", "tools", "tool_choice"], session.EnumerateObject().Select(p => p.Name));
        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal(2, session.GetProperty("tools").GetArrayLength());
    }

    [SkippableFact]
    public void The_tools_only_update_validates_against_the_published_schema()
    {
        var spec = SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/openai/openapi.realtime.json"));
        var writer = new RealtimeClientEventWriter();
        writer.WriteSessionToolsUpdate("evt_t", [AgentTools.EndCall]);

        Assert.Empty(spec.ValidateDefinition("RealtimeClientEventSessionUpdate", System.Text.Encoding.UTF8.GetString(writer.WrittenMemory.Span)));
    }

    [SkippableFact]
    public void The_session_update_with_tools_validates_against_the_published_schema()
    {
        var spec = SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/openai/openapi.realtime.json"));
        var agent = new AgentOptions { Tools = [AgentTools.EndCall, AgentTools.Transfer] };

        Assert.Empty(spec.ValidateDefinition("RealtimeClientEventSessionUpdate", System.Text.Encoding.UTF8.GetString(SessionUpdate(agent))));
    }
}
