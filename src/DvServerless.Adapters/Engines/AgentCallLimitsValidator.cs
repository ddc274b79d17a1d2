using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// Checks at start the default agent's call limits (<c>Agent:Silence:*</c>, <c>Agent:MaxCallMinutes</c>,
/// <c>Agent:TimeLimitGoodbye</c>) and every named agent's, read as <see cref="AgentCatalog"/> reads them (over the default
/// agent), so a negative or absurd value stops the app naming the setting instead of hanging calls up at random.
/// </summary>
internal sealed class AgentCallLimitsValidator(IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.CallLimitProblems("Agent").ToList();
        foreach (var section in configuration.GetSection(AgentCatalog.SectionName).GetChildren())
        {
            AgentOptions agent;
            try
            {
                agent = AgentCatalog.Read(options, section);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{AgentCatalog.SectionName}:{section.Key}: {ex.Message}");
                continue;
            }

            failures.AddRange(agent.CallLimitProblems($"{AgentCatalog.SectionName}:{section.Key}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
