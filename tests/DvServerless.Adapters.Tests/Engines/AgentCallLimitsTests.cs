using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Engines;

/// <summary>
/// The call limits (<c>Agent:Silence:*</c>, <c>Agent:MaxCallMinutes</c>, <c>Agent:TimeLimitGoodbye</c>) follow the agent
/// rules: a named agent starts from the default agent and overrides what it sets, without touching the default; and a
/// bad value stops the app at start naming the setting.
/// </summary>
public sealed class AgentCallLimitsTests
{
    [Fact]
    public void A_named_agent_overrides_what_it_sets_and_inherits_the_rest_from_the_default_agent()
    {
        using var provider = Build(new()
        {
            ["Agent:Silence:PromptAfterSeconds"] = "20",
            ["Agent:Silence:Goodbye"] = "Bye from the default.",
            ["Agent:MaxCallMinutes"] = "60",
            ["Agents:sales:Silence:Prompts"] = "1",
            ["Agents:sales:TimeLimitGoodbye"] = "Sales is closing the call.",
            ["Agents:support:Silence:PromptAfterSeconds"] = "0",
            ["Agents:support:MaxCallMinutes"] = "0",
        });
        var catalog = provider.GetRequiredService<AgentCatalog>();

        var main = catalog.For(null);
        Assert.Equal((20d, 2, "Bye from the default.", 60d), (main.Silence.PromptAfterSeconds, main.Silence.Prompts, main.Silence.Goodbye, main.MaxCallMinutes));

        var sales = catalog.For("sales");
        Assert.Equal((20d, 1, "Bye from the default.", 60d, "Sales is closing the call."),
            (sales.Silence.PromptAfterSeconds, sales.Silence.Prompts, sales.Silence.Goodbye, sales.MaxCallMinutes, sales.TimeLimitGoodbye));

        var support = catalog.For("support");
        Assert.False(support.Silence.Enabled);
        Assert.Equal((2, 0d), (support.Silence.Prompts, support.MaxCallMinutes));

        // The named agents' overrides did not leak into the default agent they were cloned from.
        Assert.Equal(2, main.Silence.Prompts);
        Assert.True(main.Silence.Enabled);
        Assert.NotSame(main.Silence, sales.Silence);
        Assert.Equal(new AgentOptions().TimeLimitGoodbye, main.TimeLimitGoodbye);
    }

    [Theory]
    [InlineData("Agent:Silence:PromptAfterSeconds", "-1", "Agent:Silence:PromptAfterSeconds is -1")]
    [InlineData("Agent:Silence:PromptAfterSeconds", "0.5", "Agent:Silence:PromptAfterSeconds is 0.5")]
    [InlineData("Agent:Silence:PromptAfterSeconds", "100000", "Agent:Silence:PromptAfterSeconds is 100000")]
    [InlineData("Agent:Silence:Prompts", "-2", "Agent:Silence:Prompts is -2")]
    [InlineData("Agent:Silence:Prompts", "50", "Agent:Silence:Prompts is 50")]
    [InlineData("Agent:MaxCallMinutes", "-5", "Agent:MaxCallMinutes is -5")]
    [InlineData("Agent:MaxCallMinutes", "99999", "Agent:MaxCallMinutes is 99999")]
    [InlineData("Agents:sales:Silence:PromptAfterSeconds", "-3", "Agents:sales:Silence:PromptAfterSeconds is -3")]
    [InlineData("Agents:sales:MaxCallMinutes", "0.001", "Agents:sales:MaxCallMinutes is 0.001")]
    public void A_bad_value_stops_the_app_at_start_naming_the_setting(string key, string value, string expected)
    {
        using var provider = Build(new() { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentOptions>>().Value);
        Assert.Contains(failure.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Small_values_for_trying_it_out_and_0_for_off_are_accepted()
    {
        using var provider = Build(new()
        {
            ["Agent:Silence:PromptAfterSeconds"] = "1",
            ["Agent:Silence:Prompts"] = "0",
            ["Agent:MaxCallMinutes"] = "0.05",
            ["Agents:sales:Silence:PromptAfterSeconds"] = "0",
            ["Agents:sales:MaxCallMinutes"] = "0",
        });

        Assert.Equal(1, provider.GetRequiredService<IOptions<AgentOptions>>().Value.Silence.PromptAfterSeconds);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddRealtimeEngine(configuration).AddConversationEngines(configuration).BuildServiceProvider();
    }
}
