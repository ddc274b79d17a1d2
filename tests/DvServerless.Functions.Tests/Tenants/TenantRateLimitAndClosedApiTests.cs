using System.Net;
using System.Text.Json;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Tenants;

public sealed class TenantRateLimitAndClosedApiTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public TenantRateLimitAndClosedApiTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task Past_the_limit_a_tenant_gets_429_with_retry_after_until_the_minute_turns()
    {
        var connection = _azurite.Require();
        var tenant = "rl" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await TenantApiHost.StartAsync(connection, new Dictionary<string, string?>
        {
            ["TENANT_CREDENTIALS"] = $"{tenant}:dvs_rate-limited-key-0123456789",
            ["GW_RATE_LIMIT_RPM"] = "3",
        });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(host)).StatusCode);
        }

        using var refused = await GetAsync(host);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // The clock is at 10:00:15: the window resets in 45 s.
        Assert.Equal("45", refused.Headers.GetValues("Retry-After").Single());
        using (var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal("rate limit exceeded", body.RootElement.GetProperty("error").GetString());
            Assert.Equal(45, body.RootElement.GetProperty("retryAfter").GetInt32());
            // The one error shape: a message for people next to the code and the seconds to wait.
            Assert.Contains("retry in 45 s", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var lines = await host.Audit.ReadAsync(tenant, DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Equal(3, lines.Count(l => l.Action == AuditAction.ApiAccess));
        Assert.Single(lines, l => l.Action == AuditAction.RateLimited && l.Status == 429);

        host.Time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host)).StatusCode);

        Task<HttpResponseMessage> GetAsync(TenantApiHost h)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions");
            request.Headers.Add("X-Api-Key", "dvs_rate-limited-key-0123456789");
            return h.Client.SendAsync(request);
        }
    }

    [Fact]
    public async Task With_no_tenant_and_no_admin_key_every_api_route_is_closed_with_a_message_saying_how_to_open_it()
    {
        await using var host = await TestFunctionsHost.StartAsync();
        foreach (var (method, path) in new[] { ("GET", "/api/v1/sessions"), ("GET", "/api/v1/sessions/abc"), ("GET", "/api/v1/audit?tenant=acme") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add("X-Api-Key", "dvs_anything");
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("no tenants and no admin key are configured", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
