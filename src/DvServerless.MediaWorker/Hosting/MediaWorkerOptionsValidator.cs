using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>Checks <see cref="MediaWorkerOptions"/> at start-up so a bad setting fails fast with a clear message.</summary>
public sealed class MediaWorkerOptionsValidator : IValidateOptions<MediaWorkerOptions>
{
    /// <summary>What a worker in Azure with the public development key, or none, fails to start with.</summary>
    public const string DevelopmentKeyInAzureMessage =
        "MediaWorker__TokenSigningKey (MediaWorker:TokenSigningKey) must be set to a secret key in Azure, the same as the Functions app's: " +
        "the public local development key, or no key, lets anyone mint media tokens.";

    private readonly IConfiguration? _configuration;

    /// <summary>Creates the validator; <paramref name="configuration"/> tells whether the worker runs in Azure.</summary>
    public MediaWorkerOptionsValidator(IConfiguration? configuration = null) => _configuration = configuration;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MediaWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        // Read here, not at construction: hosts and tests add configuration sources after the services are registered.
        var inAzure = _configuration is not null && AzureHostDetection.IsInAzure(key => _configuration[key]);
        if (inAzure && (string.IsNullOrWhiteSpace(options.TokenSigningKey) || options.TokenSigningKey == LocalDefaults.MediaTokenSigningKey))
        {
            failures.Add(DevelopmentKeyInAzureMessage);
        }
        else if (string.IsNullOrWhiteSpace(options.TokenSigningKey))
        {
            failures.Add("MediaWorker:TokenSigningKey is required.");
        }
        else
        {
            try
            {
                _ = MediaTokenService.FromConfiguredKey(options.TokenSigningKey, TimeProvider.System);
            }
            catch (ArgumentException)
            {
                failures.Add("MediaWorker:TokenSigningKey must be at least 32 bytes (base64 or text).");
            }
        }

        if (options.PlayoutLeadMs is < 20 or > 1000)
        {
            failures.Add($"MediaWorker:PlayoutLeadMs must be between 20 and 1000 (was {options.PlayoutLeadMs}).");
        }

        if (options.ParseAcsAudioFormat() is null)
        {
            failures.Add($"MediaWorker:AcsAudioFormat must be pcm24KMono or pcm16KMono (was '{options.AcsAudioFormat}').");
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"MediaWorker:DrainTimeout must be between 0 and 1 hour (was {options.DrainTimeout}).");
        }

        if (options.DrainGoodbyeTimeout < TimeSpan.Zero || options.DrainGoodbyeTimeout > TimeSpan.FromSeconds(60))
        {
            failures.Add($"MediaWorker:DrainGoodbyeTimeout must be between 0 and 60 seconds (was {options.DrainGoodbyeTimeout}).");
        }

        if (options.DrainGoodbye is { Length: > InjectedSpeechRules.MaxTextLength })
        {
            failures.Add($"MediaWorker:DrainGoodbye must be at most {InjectedSpeechRules.MaxTextLength} characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
