using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// Checks at start that the default agent's <c>Agent:Engine</c> and every named agent's <c>Agents:{id}:Engine</c> name an
/// engine (<see cref="EngineKinds.All"/>), so a typo stops the app with the list of engines instead of failing calls.
/// </summary>
internal sealed class AgentEngineValidator(IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = AgentEngineSettings.Read(options, configuration)
            .Where(setting => !EngineKinds.IsKnown(setting.Engine))
            .Select(setting => Message(setting.Setting, setting.Engine))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Message(string setting, string? value) =>
        $"{setting} is '{value}', which is not an engine; use one of {string.Join(", ", EngineKinds.All)}.";
}
