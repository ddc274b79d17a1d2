using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Logs at start-up when no webhook signing secret is configured (in Azure the public local development secret is
/// never used): SIP webhooks are then refused with 400 until <c>OpenAI__WebhookSecret</c> is set.
/// </summary>
internal sealed partial class SipWebhookSecretGuard(IOptions<SipWebhookOptions> options, ILogger<SipWebhookSecretGuard> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WebhookSecret.Length == 0)
        {
            LogSipOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5150, Level = LogLevel.Warning,
        Message = "No OpenAI webhook signing secret is configured (OpenAI__WebhookSecret): SIP webhooks are refused until one is set.")]
    private static partial void LogSipOff(ILogger logger);
}
