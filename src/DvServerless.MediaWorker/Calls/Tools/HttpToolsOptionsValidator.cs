using System.Text.Json;
using System.Text.RegularExpressions;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// Checks the <c>Agent:Tools:{name}</c> sections at start-up, naming the setting that is wrong, so a typo stops the worker
/// instead of failing the first call that uses the tool.
/// </summary>
public sealed partial class HttpToolsOptionsValidator : IValidateOptions<HttpToolsOptions>
{
    /// <summary>The shortest secret accepted: an HMAC key shorter than this is guessable.</summary>
    public const int MinSecretLength = 16;

    /// <summary>The longest timeout accepted: a caller will not wait longer in silence.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HttpToolsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (tool, settings) in options.Tools)
        {
            var prefix = HttpToolsOptions.SectionName + ":" + tool + ":";
            if (!ToolName().IsMatch(tool))
            {
                failures.Add($"{HttpToolsOptions.SectionName}:{tool} is not a tool name: use 1–64 letters, digits, '_' or '-'.");
            }
            else if (tool is AgentTools.EndCallName or AgentTools.TransferName)
            {
                failures.Add($"{HttpToolsOptions.SectionName}:{tool} is a built-in tool's name; choose another.");
            }

            if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{prefix}Url is '{settings.Url}', which is not an absolute http or https URL.");
            }

            if (string.IsNullOrWhiteSpace(settings.Description))
            {
                failures.Add($"{prefix}Description is required: it tells the model when to call the tool.");
            }

            if (!string.IsNullOrWhiteSpace(settings.ParametersJsonSchema) && !IsObjectSchema(settings.ParametersJsonSchema))
            {
                failures.Add($"{prefix}ParametersJsonSchema is not a JSON object schema.");
            }

            if (settings.Timeout <= TimeSpan.Zero || settings.Timeout > MaxTimeout)
            {
                failures.Add($"{prefix}Timeout is {settings.Timeout}; use more than 0 and at most {MaxTimeout.TotalSeconds:0} s.");
            }

            if (settings.FillerAfter < TimeSpan.Zero)
            {
                failures.Add($"{prefix}FillerAfter must not be negative.");
            }

            if (string.IsNullOrWhiteSpace(settings.Secret) || settings.Secret.Trim().Length < MinSecretLength)
            {
                // Never the value: only that it is missing or short.
                failures.Add($"{prefix}Secret is required and at least {MinSecretLength} characters: the receiver checks the request's signature with it.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsObjectSchema(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The function-name rule of the OpenAI Realtime and chat APIs.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ToolName();
}
