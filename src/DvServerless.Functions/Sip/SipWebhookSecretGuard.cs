using DvServerless.Core.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Logs at start-up when no webhook signing secret is configured (in Azure the public local development secret is
/// never used): SIP webhooks are then refused with 400 until <c>OpenAI__WebhookSecret</c> is set, except those of tenants
/// with their own secret.
/// </summary>
internal sealed partial class SipWebhookSecretGuard(
    IOptions<SipWebhookOptions> options, ILogger<SipWebhookSecretGuard> logger, TenantDirectory? tenants = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WebhookSecret.Length == 0)
        {
            if (tenants is { TenantsWithOpenAIWebhookSecret.Count: > 0 } withSecrets)
            {
                LogOnlyTenantSecrets(logger, withSecrets.TenantsWithOpenAIWebhookSecret.Count);
            }
            else
            {
                LogSipOff(logger);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5150, Level = LogLevel.Warning,
        Message = "No OpenAI webhook signing secret is configured (OpenAI__WebhookSecret): SIP webhooks are refused until one is set.")]
    private static partial void LogSipOff(ILogger logger);

    [LoggerMessage(EventId = 5151, Level = LogLevel.Information,
        Message = "No gateway OpenAI webhook signing secret is configured (OpenAI__WebhookSecret): only SIP webhooks of the {Count} tenants with their own secret are accepted.")]
    private static partial void LogOnlyTenantSecrets(ILogger logger, int count);
}
