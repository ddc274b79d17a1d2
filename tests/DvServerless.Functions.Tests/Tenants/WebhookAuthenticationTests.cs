using System.Net;
using System.Text;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>The Event Grid webhook's shared key and subscription checks (PROTOCOL §4.2), refused before anything changes.</summary>
public sealed class WebhookAuthenticationTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["EventGrid:SharedKey"] = "standalone-webhook-key",
        ["EventGrid:SubscriptionName"] = "dvs-incoming-call",
    };

    [Theory]
    [InlineData("/api/acs/incoming-call", "DVS-INCOMING-CALL", HttpStatusCode.Unauthorized)]
    [InlineData("/api/acs/incoming-call?code=wrong", "DVS-INCOMING-CALL", HttpStatusCode.Unauthorized)]
    [InlineData("/api/acs/incoming-call?code=standalone-webhook-key", "OTHER-SUBSCRIPTION", HttpStatusCode.Forbidden)]
    [InlineData("/api/acs/incoming-call?code=standalone-webhook-key", "DVS-INCOMING-CALL", HttpStatusCode.OK)]
    public async Task The_handshake_is_answered_only_with_the_key_and_for_the_expected_subscription(string path, string subscription, HttpStatusCode expected)
    {
        await using var host = await TestFunctionsHost.StartAsync(Settings);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(IncomingCallSamples.SubscriptionValidation, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "SubscriptionValidation");
        request.Headers.Add("aeg-subscription-name", subscription);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_delivery_without_the_key_changes_nothing()
    {
        await using var host = await TestFunctionsHost.StartAsync(Settings);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/acs/incoming-call")
        {
            Content = new StringContent(IncomingCallSamples.EventGridDelivery(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        request.Headers.Add("aeg-subscription-name", "DVS-INCOMING-CALL");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Services.Acs.Answers);
    }
}
