using DvServerless.Testing;
using System.Text.Json;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>HOSTING.md §9: <c>SipIncoming</c> is <c>openai/sip</c>, POST, function key.</summary>
public sealed class SipFunctionDefinitionTests
{
    [Fact]
    public void SipIncoming_is_a_post_function_on_openai_sip()
    {
        var path = System.IO.Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.Functions", "FunctionDefinitions", "SipIncoming", "function.json");
        var trigger = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("bindings")[0];

        Assert.Equal("openai/sip", trigger.GetProperty("route").GetString());
        Assert.Equal("function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["post"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }
}
