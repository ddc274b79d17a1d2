using System.Net;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Minutes;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tests.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.Records;

/// <summary>
/// <c>GET /api/calls/{callId}/minutes</c> across tenants: another tenant's call and an unowned call answer a tenant
/// exactly like an unknown id; the owner and the admin get the file.
/// </summary>
public sealed class CallMinutesAccessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task Another_tenants_call_answers_exactly_like_an_unknown_id_and_is_audited()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var contosoCall = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(contosoCall, "contoso");
        await WriteMinutesAsync(host, contosoCall, "contoso");

        var foreign = await GetAsync(host, contosoCall, TenantApiHost.AcmeKey);
        var unknown = await GetAsync(host, RecordsApiHost.NewCallId(), TenantApiHost.AcmeKey);
        var owner = await GetAsync(host, contosoCall, TenantApiHost.ContosoKey);

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(unknown.Status, foreign.Status);
        Assert.Equal(unknown.Body, foreign.Body);
        Assert.Equal(unknown.Headers, foreign.Headers);
        Assert.Equal(HttpStatusCode.OK, owner.Status);
        Assert.Equal("minutes of " + contosoCall, owner.Body);

        var audit = await host.Audit.ReadAsync("acme", DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Contains(audit, e => e.Action == AuditAction.CrossTenantAttempt && e.Path.Contains(contosoCall, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Minutes_of_a_call_without_a_session_are_admin_only()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var orphan = RecordsApiHost.NewCallId();
        await WriteMinutesAsync(host, orphan, "acme");

        var tenant = await GetAsync(host, orphan, TenantApiHost.AcmeKey);
        var unknown = await GetAsync(host, RecordsApiHost.NewCallId(), TenantApiHost.AcmeKey);
        var admin = await GetAsync(host, orphan, TenantApiHost.AdminKey);

        Assert.Equal(unknown, tenant);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
    }

    [SkippableFact]
    public async Task Minutes_written_for_another_tenant_are_hidden_even_when_the_session_is_the_callers()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var query = host.App.Services.GetRequiredService<CallMinutesQuery>();
        var callId = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(callId, "acme");
        await WriteMinutesAsync(host, callId, "contoso");

        var result = await query.GetAsync(TenantCaller.ForTenant("acme"), callId, MinutesFormat.Txt);
        var admin = await query.GetAsync(TenantCaller.Admin, callId, MinutesFormat.Txt);
        var invalid = await query.GetAsync(TenantCaller.ForTenant("acme"), "../x", MinutesFormat.Txt);

        Assert.Equal(CallMinutesOutcome.NotReady, result.Outcome);
        Assert.True(result.CrossTenantAttempt);
        Assert.Null(result.File);
        Assert.Equal(CallMinutesOutcome.Found, admin.Outcome);
        Assert.Equal("contoso", admin.File!.TenantId);
        Assert.Equal(CallMinutesOutcome.InvalidCallId, invalid.Outcome);
    }

    [SkippableFact]
    public async Task A_format_written_before_the_rest_of_the_set_is_not_served_until_the_json_marks_it_complete()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var callId = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(callId, "acme");
        var store = host.App.Services.GetRequiredService<BlobMinutesStore>();

        Assert.True(await store.WriteAsync(callId, MinutesFormat.Txt, "minutes of " + callId, "acme"));
        var early = await GetAsync(host, callId, TenantApiHost.AcmeKey);
        Assert.True(await store.WriteAsync(callId, MinutesFormat.Json, "{}", "acme"));
        var complete = await GetAsync(host, callId, TenantApiHost.AcmeKey);

        // A client that polls one format and then fetches the others never meets a 404 after a 200.
        Assert.Equal(HttpStatusCode.NotFound, early.Status);
        Assert.Equal(HttpStatusCode.OK, complete.Status);
        Assert.Equal("minutes of " + callId, complete.Body);
    }

    private static async Task WriteMinutesAsync(TenantApiHost host, string callId, string tenantId)
    {
        var store = host.App.Services.GetRequiredService<BlobMinutesStore>();
        Assert.True(await store.WriteAsync(callId, MinutesFormat.Txt, "minutes of " + callId, tenantId));
        // JSON is written last and marks the set complete; until then no format is served.
        Assert.True(await store.WriteAsync(callId, MinutesFormat.Json, "{}", tenantId));
    }

    private static async Task<Answer> GetAsync(TenantApiHost host, string callId, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/calls/{callId}/minutes?format=txt");
        request.Headers.Add("X-Api-Key", key);
        using var response = await host.Client.SendAsync(request);
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Key + ": " + string.Join(",", h.Value)));
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string Headers);
}
