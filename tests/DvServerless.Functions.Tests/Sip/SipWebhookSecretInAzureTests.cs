using System.Net;
using System.Text;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Hosting;
using DvServerless.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>
/// In Azure the public development webhook secret is never used: with no secret configured the app still starts (ACS
/// calls and APIs must not go down because SIP is unused) and every SIP webhook is refused.
/// </summary>
public sealed class SipWebhookSecretInAzureTests
{
    [Fact]
    public async Task Without_a_secret_in_azure_the_app_starts_and_refuses_webhooks_signed_with_the_development_secret()
    {
        await using var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WEBSITE_SITE_NAME"] = "dvs-func",
                ["MediaWorker:TokenSigningKey"] = Convert.ToBase64String(new byte[32]),
                ["Storage:BlobServiceUri"] = "https://dvsexample.blob.core.windows.net",
                ["Acs:Endpoint"] = "https://dvs-acs.communication.azure.com",
            });
        });
        await app.StartAsync();

        var body = """{"object":"event","id":"evt_1","type":"realtime.call.incoming","created_at":1750000000,"data":{"call_id":"rtc_0123456789abcdef0123456789abcdef","sip_headers":[]}}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = StandardWebhookVerifier.Sign(LocalDefaults.OpenAIWebhookSecret, "wh_1", timestamp, Encoding.UTF8.GetBytes(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/openai/sip") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", "wh_1");
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", signature);

        using var response = await app.GetTestClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
