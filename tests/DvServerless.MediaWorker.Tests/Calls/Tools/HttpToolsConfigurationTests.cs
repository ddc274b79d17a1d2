using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Calls.Tools;

/// <summary>HTTP tools from <c>Agent:Tools:{name}</c>: how they bind, and the start-up check that names a bad setting.</summary>
public sealed class HttpToolsConfigurationTests
{
    private static readonly Dictionary<string, string?> Lookup = new()
    {
        ["Agent:Tools:lookup_order:Url"] = "https://tools.example.com/orders",
        ["Agent:Tools:lookup_order:Description"] = "Looks up an order.",
        ["Agent:Tools:lookup_order:ParametersJsonSchema"] = """{"type":"object","properties":{"order":{"type":"string"}}}""",
        ["Agent:Tools:lookup_order:Timeout"] = "00:00:03",
        ["Agent:Tools:lookup_order:Filler"] = "One moment.",
        ["Agent:Tools:lookup_order:Secret"] = "tool-secret-0123456789",
    };

    [Fact]
    public void A_configured_tool_becomes_a_handler_with_its_name_settings_and_defaults()
    {
        using var services = Services(Lookup);

        var tool = Assert.IsType<HttpToolHandler>(Assert.Single(services.GetRequiredService<ConfiguredHttpTools>().Handlers));
        Assert.Equal(("lookup_order", "Looks up an order."), (tool.Definition.Name, tool.Definition.Description));
        Assert.Equal(new ToolFiller("One moment.", TimeSpan.FromSeconds(1.5)), tool.Filler);
        var options = services.GetRequiredService<IOptions<HttpToolsOptions>>().Value.Tools["lookup_order"];
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), new HttpToolOptions().Timeout);
    }

    [Theory]
    [InlineData("Url", "not a url", "Agent:Tools:lookup_order:Url is 'not a url', which is not an absolute http or https URL.")]
    [InlineData("Url", "ftp://tools.example.com/x", "Agent:Tools:lookup_order:Url")]
    [InlineData("Secret", "short", "Agent:Tools:lookup_order:Secret is required")]
    [InlineData("Timeout", "00:01:00", "Agent:Tools:lookup_order:Timeout")]
    [InlineData("ParametersJsonSchema", "[1]", "Agent:Tools:lookup_order:ParametersJsonSchema")]
    [InlineData("Description", "", "Agent:Tools:lookup_order:Description is required")]
    public void A_bad_setting_fails_validation_naming_the_setting_and_never_echoing_the_secret(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Lookup) { ["Agent:Tools:lookup_order:" + key] = value };
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HttpToolsOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tool-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_named_like_a_built_in_tool_is_refused()
    {
        var settings = Lookup.ToDictionary(kv => kv.Key.Replace("lookup_order", "end_call", StringComparison.Ordinal), kv => kv.Value);
        using var services = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HttpToolsOptions>>().Value);
        Assert.Contains("Agent:Tools:end_call is a built-in tool's name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_sections_do_not_leak_into_the_declared_tool_list_as_nameless_functions()
    {
        // The binder reads Agent:Tools:{name} into AgentOptions.Tools too; a nameless entry there would hide the worker's tools.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Lookup).Build();
        using var services = new ServiceCollection().AddRealtimeEngine(configuration).BuildServiceProvider();

        Assert.Empty(services.GetRequiredService<AgentOptions>().Tools);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddHttpTools(configuration).BuildServiceProvider();
    }
}
