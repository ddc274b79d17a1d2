using DvServerless.Core.Security;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>Checks <see cref="MediaWorkerOptions"/> at start-up so a bad setting fails fast with a clear message.</summary>
public sealed class MediaWorkerOptionsValidator : IValidateOptions<MediaWorkerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MediaWorkerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TokenSigningKey))
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
