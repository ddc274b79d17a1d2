using DvServerless.Core.Engines;

namespace DvServerless.Core.Tests.Engines;

public sealed class AgentPhoneRoutesTests
{
    private static AgentPhoneNumber Number(string agent, int index, string? value) => new(agent, $"Agents:{agent}:PhoneNumbers:{index}", value);

    [Fact]
    public void Each_number_reaches_the_agent_that_lists_it_in_whatever_form_the_called_party_arrives()
    {
        var routes = AgentPhoneRoutes.From([Number("sales", 0, "+14255550100"), Number("sales", 1, "+14255550101"), Number("support", 0, "+1 (425) 555-0200")]);

        Assert.Empty(routes.Problems);
        Assert.Equal(3, routes.Count);
        Assert.Equal("sales", routes.AgentFor("4:+14255550100"));
        Assert.Equal("sales", routes.AgentFor("+14255550101"));
        Assert.Equal("support", routes.AgentFor("4:+14255550200"));
        Assert.Equal("support", routes.AgentFor("tel:+1-425-555-0200"));
    }

    [Theory]
    [InlineData("4:+14255550199")]
    [InlineData("8:acs:resource_user")]
    [InlineData("")]
    [InlineData(null)]
    public void A_number_no_agent_lists_runs_the_default_agent(string? calledParty)
    {
        var routes = AgentPhoneRoutes.From([Number("sales", 0, "+14255550100")]);

        Assert.Null(routes.AgentFor(calledParty));
        Assert.Null(AgentPhoneRoutes.None.AgentFor(calledParty));
    }

    [Theory]
    [InlineData("14255550100")]
    [InlineData("+142555")]
    [InlineData("+01425555010")]
    [InlineData("+1425555010012345")]
    [InlineData("sales line")]
    [InlineData("")]
    public void A_number_not_in_E164_is_a_problem_naming_the_setting(string value)
    {
        var routes = AgentPhoneRoutes.From([Number("sales", 0, "+14255550100"), Number("sales", 1, value)]);

        var problem = Assert.Single(routes.Problems);
        Assert.StartsWith("Agents:sales:PhoneNumbers:1 is not a phone number in E.164 form", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_in_two_agents_is_a_problem_naming_both_settings()
    {
        var routes = AgentPhoneRoutes.From([Number("sales", 0, "+14255550100"), Number("support", 0, "4:+14255550100")]);

        var problem = Assert.Single(routes.Problems);
        Assert.Contains("Agents:support:PhoneNumbers:0", problem, StringComparison.Ordinal);
        Assert.Contains("Agents:sales:PhoneNumbers:0", problem, StringComparison.Ordinal);
        Assert.Contains("'sales'", problem, StringComparison.Ordinal);
        // The first listing keeps the number; the clash is refused at start, never settled by order at run time.
        Assert.Equal("sales", routes.AgentFor("+14255550100"));
    }

    [Fact]
    public void An_agent_listing_its_own_number_twice_is_no_clash()
    {
        var routes = AgentPhoneRoutes.From([Number("sales", 0, "+14255550100"), Number("sales", 1, "+1 425 555 0100")]);

        Assert.Empty(routes.Problems);
        Assert.Equal(1, routes.Count);
    }
}
