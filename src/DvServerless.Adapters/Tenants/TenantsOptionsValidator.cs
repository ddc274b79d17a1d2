using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Hosting;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// Reports every problem <see cref="TenantsOptions.Validate"/> finds at start-up, and tenant webhook secrets that are not
/// signing secrets (the messages never contain a key or secret).
/// </summary>
public sealed class TenantsOptionsValidator : IValidateOptions<TenantsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TenantsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        foreach (var tenant in options.Items)
        {
            if (string.IsNullOrEmpty(tenant.OpenAIWebhookSecret))
            {
                continue;
            }

            if (!StandardWebhookVerifier.IsUsableSecret(tenant.OpenAIWebhookSecret))
            {
                errors.Add($"tenant '{tenant.Id}': OpenAIWebhookSecret must be the webhook's signing secret (whsec_… with base64 after the prefix).");
            }
            else if (tenant.OpenAIWebhookSecret == LocalDefaults.OpenAIWebhookSecret)
            {
                // Anyone can read that one: it would let anyone place calls as the tenant.
                errors.Add($"tenant '{tenant.Id}': OpenAIWebhookSecret must not be the public local development secret.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
