using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// Checks at start that every <c>Agents:{id}:PhoneNumbers:{n}</c> is an E.164 number and that no number is listed by two
/// agents, so a typo or a clash stops the app naming the setting instead of calls reaching the wrong agent.
/// </summary>
internal sealed class AgentPhoneNumberValidator(IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var problems = AgentPhoneRoutes.From(AgentCatalog.PhoneNumbersOf(configuration)).Problems;
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
