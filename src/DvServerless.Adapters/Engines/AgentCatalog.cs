using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// The agents a deployment offers: the default agent (section <c>Agent</c>) and named ones (<c>Agents:{id}:*</c>, e.g.
/// <c>Agents__sales__Instructions</c>), each starting from the default and overriding what it sets. A browser session picks
/// one with <c>expected_engine_id</c> (an unknown id is refused when the session is started); an ACS call to a number an
/// agent lists in <c>Agents:{id}:PhoneNumbers:{n}</c> runs that agent (<see cref="PhoneRoutes"/>).
/// </summary>
public sealed class AgentCatalog
{
    /// <summary>The configuration section of the named agents.</summary>
    public const string SectionName = "Agents";

    /// <summary>The setting under an agent that lists the called numbers it answers (<c>Agents:{id}:PhoneNumbers:{n}</c>).</summary>
    public const string PhoneNumbersKey = "PhoneNumbers";

    private readonly AgentOptions _default;
    private readonly Dictionary<string, AgentOptions> _named;

    /// <summary>Reads the named agents from <paramref name="configuration"/> over <paramref name="defaultAgent"/>.</summary>
    public AgentCatalog(AgentOptions defaultAgent, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(defaultAgent);
        ArgumentNullException.ThrowIfNull(configuration);
        _default = defaultAgent;
        _named = new Dictionary<string, AgentOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            _named[section.Key] = Read(defaultAgent, section);
        }

        PhoneRoutes = AgentPhoneRoutes.From(PhoneNumbersOf(configuration));
    }

    /// <summary>
    /// The named agent of <paramref name="section"/> (<c>Agents:{id}</c>): <paramref name="defaultAgent"/> with what the
    /// section sets over it. Throws <see cref="InvalidOperationException"/> when a value does not bind.
    /// </summary>
    public static AgentOptions Read(AgentOptions defaultAgent, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(defaultAgent);
        ArgumentNullException.ThrowIfNull(section);
        var agent = defaultAgent.Clone();
        section.Bind(agent);
        agent.DropUnnamedTools();
        return agent;
    }

    /// <summary>Which agent answers which called number.</summary>
    public AgentPhoneRoutes PhoneRoutes { get; }

    /// <summary>The ids of the named agents.</summary>
    public IReadOnlyCollection<string> Ids => _named.Keys;

    /// <summary>Whether <paramref name="id"/> names a configured agent.</summary>
    public bool Contains(string? id) => id is not null && _named.ContainsKey(id);

    /// <summary>The agent <paramref name="id"/> names, or the default agent when it names none.</summary>
    public AgentOptions For(string? id) => id is not null && _named.TryGetValue(id, out var agent) ? agent : _default;

    /// <summary>Every <c>Agents:{id}:PhoneNumbers:{n}</c> in <paramref name="configuration"/>, in order.</summary>
    public static IEnumerable<AgentPhoneNumber> PhoneNumbersOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var agent in configuration.GetSection(SectionName).GetChildren())
        {
            foreach (var number in agent.GetSection(PhoneNumbersKey).GetChildren())
            {
                yield return new AgentPhoneNumber(agent.Key, number.Path, number.Value);
            }
        }
    }
}
