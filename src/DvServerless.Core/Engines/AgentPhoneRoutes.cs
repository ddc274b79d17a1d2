using DvServerless.Core.Tenants;

namespace DvServerless.Core.Engines;

/// <summary>
/// Which named agent answers a called number (<c>Agents:{id}:PhoneNumbers:{n}</c>): a contact centre gives each line its
/// own agent. Numbers are matched in E.164 whatever form the called party arrives in (ACS raw id <c>4:+…</c>, <c>tel:</c>,
/// plain). A number no agent lists runs the default agent.
/// </summary>
public sealed class AgentPhoneRoutes
{
    private readonly Dictionary<string, string> _agentByNumber;

    private AgentPhoneRoutes(Dictionary<string, string> agentByNumber, IReadOnlyList<string> problems)
    {
        _agentByNumber = agentByNumber;
        Problems = problems;
    }

    /// <summary>No routes: every call runs the default agent.</summary>
    public static AgentPhoneRoutes None { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal), []);

    /// <summary>
    /// What is wrong with the configured numbers, each naming its setting: a number not in E.164, or one that two agents
    /// list. Empty when the routes are usable; the apps refuse to start otherwise.
    /// </summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>How many numbers route to a named agent.</summary>
    public int Count => _agentByNumber.Count;

    /// <summary>Builds the routes from the configured <paramref name="numbers"/>, collecting <see cref="Problems"/>.</summary>
    public static AgentPhoneRoutes From(IEnumerable<AgentPhoneNumber> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        var settingOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var number in numbers)
        {
            var normalized = CalledPartyAddress.NormalizePhoneNumber(number.Value);
            if (normalized is null)
            {
                problems.Add($"{number.Setting} is not a phone number in E.164 form (+ and 7–15 digits, e.g. +14255550100).");
            }
            else if (routes.TryGetValue(normalized, out var owner))
            {
                if (!string.Equals(owner, number.AgentId, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{number.Setting} lists a number that {settingOf[normalized]} already routes to agent '{owner}'; a number reaches one agent.");
                }
            }
            else
            {
                routes[normalized] = number.AgentId;
                settingOf[normalized] = number.Setting;
            }
        }

        return new AgentPhoneRoutes(routes, problems);
    }

    /// <summary>
    /// The id of the agent that lists <paramref name="calledParty"/> (an ACS raw id <c>4:+…</c>, E.164 or <c>tel:</c>),
    /// or null when none does (the default agent answers).
    /// </summary>
    public string? AgentFor(string? calledParty) =>
        CalledPartyAddress.NormalizePhoneNumber(calledParty) is { } number && _agentByNumber.TryGetValue(number, out var agent) ? agent : null;
}
