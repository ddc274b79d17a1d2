using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>
/// Every tenant API route × every kind of caller: no credential, another tenant, an expired token, a tampered token, the
/// admin and the owning tenant — each gets the documented status and leaves the expected audit line.
/// </summary>
public sealed class TenantApiMatrixTests : IClassFixture<AzuriteFixture>
{
    private const string AcmeCall = "matrix-acme-call";
    private const string ContosoCall = "matrix-contoso-call";

    private readonly AzuriteFixture _azurite;

    public TenantApiMatrixTests(AzuriteFixture azurite) => _azurite = azurite;

    public enum Caller { None, OtherTenant, ExpiredToken, TamperedToken, Admin, OwnerKey, OwnerToken }

    // Route, method, then the status for None, OtherTenant, ExpiredToken, TamperedToken, Admin, OwnerKey, OwnerToken.
    private static readonly (string Method, string Path, string? Body, int[] Expected)[] Routes =
    [
        ("GET", "/api/v1/sessions", null, [401, 200, 401, 401, 200, 200, 200]),
        ("GET", $"/api/v1/sessions/{AcmeCall}", null, [401, 403, 401, 401, 200, 200, 200]),
        ("PATCH", $"/api/v1/sessions/{AcmeCall}/meta", """{"customerId":"C-42"}""", [401, 403, 401, 401, 200, 200, 200]),
        ("POST", $"/api/v1/sessions/{AcmeCall}/hangup", null, [401, 403, 401, 401, 202, 202, 202]),
        ("GET", "/api/v1/tenants/acme/sessions", null, [401, 403, 401, 401, 200, 200, 200]),
        ("GET", "/api/v1/audit?tenant=acme", null, [401, 403, 401, 401, 200, 403, 403]),
    ];

    [SkippableFact]
    public async Task Every_route_answers_every_caller_as_documented_and_audits_it()
    {
        var connection = _azurite.Require();
        await using var host = await TenantApiHost.StartAsync(connection);
        await host.SeedSessionAsync(AcmeCall, "acme");
        await host.SeedSessionAsync(ContosoCall, "contoso");

        var ownerToken = await IssueTokenAsync(host, TenantApiHost.AcmeKey);
        var expired = ExpiredToken();
        var tampered = Tamper(ownerToken);
        var failures = new List<string>();
        foreach (var (method, path, body, expected) in Routes)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                switch (caller)
                {
                    case Caller.OtherTenant: request.Headers.Add("X-Api-Key", TenantApiHost.ContosoKey); break;
                    case Caller.ExpiredToken: request.Headers.Add("Authorization", "Bearer " + expired); break;
                    case Caller.TamperedToken: request.Headers.Add("Authorization", "Bearer " + tampered); break;
                    case Caller.Admin: request.Headers.Add("X-Api-Key", TenantApiHost.AdminKey); break;
                    case Caller.OwnerKey: request.Headers.Add("X-Api-Key", TenantApiHost.AcmeKey); break;
                    case Caller.OwnerToken: request.Headers.Add("Authorization", "Bearer " + ownerToken); break;
                }

                using var response = await host.Client.SendAsync(request);
                var want = expected[(int)caller];
                if ((int)response.StatusCode != want)
                {
                    failures.Add($"{method} {path} as {caller}: {(int)response.StatusCode}, expected {want}");
                    continue;
                }

                var (auditTenant, action) = (caller, want) switch
                {
                    (Caller.None or Caller.ExpiredToken or Caller.TamperedToken, _) => (AuditEntry.AnonymousTenantId, AuditAction.AuthFailed),
                    (Caller.Admin, _) => (AuditEntry.AdminTenantId, AuditAction.ApiAccess),
                    (Caller.OtherTenant, 403) => ("contoso", AuditAction.CrossTenantAttempt),
                    (Caller.OtherTenant, _) => ("contoso", AuditAction.ApiAccess),
                    (_, 403) => ("acme", AuditAction.CrossTenantAttempt),
                    _ => ("acme", AuditAction.ApiAccess),
                };
                var lines = await host.Audit.ReadAsync(auditTenant, DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
                var barePath = path.Split('?')[0];
                if (!lines.Any(l => l.Method == method && l.Path == barePath && l.Status == want && l.Action == action))
                {
                    failures.Add($"{method} {path} as {caller}: no audit line {auditTenant} {action} {want}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // Admin, owner key and owner token each hung the call up; nobody else reached ACS.
        Assert.Equal(["conn-" + AcmeCall, "conn-" + AcmeCall, "conn-" + AcmeCall], host.Acs.HangUps.ToArray());
    }

    [SkippableFact]
    public async Task A_tenant_lists_only_its_own_sessions_and_the_admin_filters_by_tenant()
    {
        var connection = _azurite.Require();
        await using var host = await TenantApiHost.StartAsync(connection);
        await host.SeedSessionAsync("list-acme", "acme");
        await host.SeedSessionAsync("list-contoso", "contoso");

        Assert.Equal(["list-acme"], await ListAsync(host, "/api/v1/sessions", TenantApiHost.AcmeKey));
        Assert.Equal(["list-contoso"], await ListAsync(host, "/api/v1/sessions?tenant=contoso", TenantApiHost.AdminKey));
        Assert.Equal(["list-acme", "list-contoso"], (await ListAsync(host, "/api/v1/sessions", TenantApiHost.AdminKey)).Order());

        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions?tenant=contoso");
        foreign.Headers.Add("X-Api-Key", TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(foreign)).StatusCode);
    }

    [SkippableFact]
    public async Task An_unknown_id_is_404_for_everyone_but_a_foreign_existing_id_is_403()
    {
        var connection = _azurite.Require();
        await using var host = await TenantApiHost.StartAsync(connection);
        await host.SeedSessionAsync("exists-contoso", "contoso");

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, "/api/v1/sessions/does-not-exist", TenantApiHost.AcmeKey));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, "/api/v1/sessions/does-not-exist", TenantApiHost.AdminKey));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, "/api/v1/sessions/..%2Fetc", TenantApiHost.AcmeKey));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, "/api/v1/sessions/exists-contoso", TenantApiHost.AcmeKey));
    }

    [SkippableFact]
    public async Task Metadata_is_merged_null_removes_and_non_strings_are_refused()
    {
        var connection = _azurite.Require();
        await using var host = await TenantApiHost.StartAsync(connection);
        await host.SeedSessionAsync("meta-acme", "acme");

        Assert.Equal(HttpStatusCode.OK, await PatchAsync(host, "meta-acme", """{"customerId":"C-42","ticket":"T-1"}"""));
        Assert.Equal(HttpStatusCode.OK, await PatchAsync(host, "meta-acme", """{"ticket":null,"campaign":"spring"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PatchAsync(host, "meta-acme", """{"count":3}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PatchAsync(host, "meta-acme", "[1,2]"));
        var tooMany = "{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":\"v\"")) + "}";
        Assert.Equal(HttpStatusCode.BadRequest, await PatchAsync(host, "meta-acme", tooMany));

        var session = await host.Sessions.GetAsync("meta-acme");
        Assert.Equal(new Dictionary<string, string> { ["customerId"] = "C-42", ["campaign"] = "spring" }, session!.Metadata);
    }

    [SkippableFact]
    public async Task Token_endpoint_issues_for_a_good_key_and_refuses_a_bad_one()
    {
        var connection = _azurite.Require();
        await using var host = await TenantApiHost.StartAsync(connection);

        using var good = await host.Client.PostAsJsonAsync("/api/v1/auth/token", new { apiKey = TenantApiHost.AcmeKey });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        using var json = JsonDocument.Parse(await good.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("token").GetString()));
        Assert.Equal(host.Time.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds(), json.RootElement.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());

        using var bad = await host.Client.PostAsJsonAsync("/api/v1/auth/token", new { apiKey = "dvs_wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        var lines = await host.Audit.ReadAsync(AuditEntry.AnonymousTenantId, DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Contains(lines, l => l.Path == "/api/v1/auth/token" && l.Action == AuditAction.AuthFailed);
        Assert.DoesNotContain(lines, l => JsonSerializer.Serialize(l).Contains("dvs_wrong", StringComparison.Ordinal));
    }

    private static async Task<string> IssueTokenAsync(TenantApiHost host, string key)
    {
        using var response = await host.Client.PostAsJsonAsync("/api/v1/auth/token", new { apiKey = key });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    // Same key, issued 20 minutes before the host's clock: a genuine signature on an expired token.
    private static string ExpiredToken()
    {
        var past = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 40, 0, TimeSpan.Zero));
        var service = new TenantTokenService(new TenantTokenOptions { SigningKey = TenantApiHost.SigningKey }, past, NullLogger<TenantTokenService>.Instance);
        return service.Issue(TenantCaller.ForTenant("acme")).Token;
    }

    // Rewrites the payload to claim the admin role, keeping the original signature.
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
        var forged = payload.Replace("\"role\":\"tenant\"", "\"role\":\"admin\"", StringComparison.Ordinal);
        Assert.NotEqual(payload, forged);
        return parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(forged) + "." + parts[2];
    }

    private static async Task<string[]> ListAsync(TenantApiHost host, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        using var response = await host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("callId").GetString()!).ToArray();
    }

    private static async Task<HttpStatusCode> StatusAsync(TenantApiHost host, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> PatchAsync(TenantApiHost host, string callId, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/sessions/{callId}/meta")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", TenantApiHost.AcmeKey);
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }
}
