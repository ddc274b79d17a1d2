using DvServerless.Core.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Refuses to start the app in Azure (App Service and Functions set <c>WEBSITE_SITE_NAME</c>) with the public local
/// development webhook secret: with it anyone could sign a <c>realtime.call.incoming</c> and make the gateway accept calls.
/// It runs as the first hosted service, after the options have been validated, so a start-up with several bad settings
/// reports the options' problems first.
/// </summary>
internal sealed class SipWebhookSecretGuard(IOptions<SipWebhookOptions> options, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]) && options.Value.WebhookSecret == LocalDefaults.OpenAIWebhookSecret)
        {
            throw new InvalidOperationException(
                "OpenAI:WebhookSecret is the public local development secret; set the project webhook's signing secret (OpenAI__WebhookSecret) in Azure.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
