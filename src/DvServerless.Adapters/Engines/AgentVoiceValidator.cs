using DvServerless.Core.Engines;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// Checks at start that the default agent's <c>Agent:VoicePreset</c> and <c>Agent:VoiceOptions:*</c>, and every named
/// agent's <c>Agents:{id}:VoicePreset</c> and <c>Agents:{id}:VoiceOptions:*</c>, name a preset and hold values in range, so
/// a typo stops the app naming the setting instead of every call sounding other than configured.
/// </summary>
internal sealed class AgentVoiceValidator(IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, "Agent", options.VoicePreset, options.VoiceOptions);
        foreach (var agent in configuration.GetSection(AgentCatalog.SectionName).GetChildren())
        {
            var overrides = new VoiceOptionOverrides();
            try
            {
                agent.GetSection(nameof(AgentOptions.VoiceOptions)).Bind(overrides);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{AgentCatalog.SectionName}:{agent.Key}:{nameof(AgentOptions.VoiceOptions)}: {ex.Message}");
                continue;
            }

            Check(failures, $"{AgentCatalog.SectionName}:{agent.Key}", agent[nameof(AgentOptions.VoicePreset)], overrides);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string section, string? preset, VoiceOptionOverrides overrides)
    {
        if (!string.IsNullOrWhiteSpace(preset) && VoicePresets.Find(preset) is null)
        {
            failures.Add($"{section}:{nameof(AgentOptions.VoicePreset)} is '{preset}', which is not a voice preset; use one of {string.Join(", ", VoicePresets.All.Keys)}.");
        }

        failures.AddRange(overrides.Problems($"{section}:{nameof(AgentOptions.VoiceOptions)}"));
    }
}
