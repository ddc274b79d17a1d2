using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DvServerless.Core.Records;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tests.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.Records;

/// <summary>Conference transcripts stay inside their tenant; per-conference limits; rendered minutes are cached.</summary>
public sealed class ConferenceTenantIsolationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task A_tenant_cannot_link_another_tenants_call_or_external_record_and_nothing_is_stored()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var contosoCall = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(contosoCall, "contoso");
        var records = host.App.Services.GetRequiredService<ICallRecordSink>();
        await records.AppendAsync(contosoCall, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Contoso secret.", StartMs = 0, EndMs = 100, At = host.Time.GetUtcNow() });
        var contosoConf = NewConferenceId();
        using (var contosoSubmit = await SubmitAsync(host, TenantApiHost.ContosoKey, contosoConf, Segment("Contoso room secret.")))
        {
            Assert.Equal(HttpStatusCode.Accepted, contosoSubmit.StatusCode);
        }

        var acmeConf = NewConferenceId();
        foreach (var stolen in new[] { contosoCall, contosoConf + "-ext", BlobConferenceStore.ExternalRecordId("contoso", contosoConf) })
        {
            using var response = await SubmitAsync(host, TenantApiHost.AcmeKey, acmeConf, Segment("hello"), stolen);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("foreign_call_ids", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        using var minutes = await GetAsync(host, TenantApiHost.AcmeKey, acmeConf);
        Assert.Equal(HttpStatusCode.NotFound, minutes.StatusCode);
        var audit = await host.Audit.ReadAsync("acme", DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Contains(audit, e => e.Action == AuditAction.CrossTenantAttempt);
    }

    [SkippableFact]
    public async Task Conference_ids_are_per_tenant_so_a_name_cannot_be_squatted_or_read_across()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var conf = NewConferenceId();
        using (var contoso = await SubmitAsync(host, TenantApiHost.ContosoKey, conf, Segment("Contoso room secret.")))
        {
            Assert.Equal(HttpStatusCode.Accepted, contoso.StatusCode);
        }

        using (var acme = await SubmitAsync(host, TenantApiHost.AcmeKey, conf, Segment("Acme room line.")))
        {
            Assert.Equal(HttpStatusCode.Accepted, acme.StatusCode);
        }

        using var acmeMinutes = await GetAsync(host, TenantApiHost.AcmeKey, conf);
        var acmeText = await acmeMinutes.Content.ReadAsStringAsync();
        using var contosoMinutes = await GetAsync(host, TenantApiHost.ContosoKey, conf);
        var contosoText = await contosoMinutes.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, acmeMinutes.StatusCode);
        Assert.Contains("Acme room line.", acmeText);
        Assert.DoesNotContain("Contoso room secret.", acmeText);
        Assert.Contains("Contoso room secret.", contosoText);
        Assert.DoesNotContain("Acme room line.", contosoText);
    }

    [SkippableFact]
    public async Task A_foreign_call_already_in_a_manifest_is_left_out_of_the_minutes()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require());
        var contosoCall = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(contosoCall, "contoso");
        var records = host.App.Services.GetRequiredService<ICallRecordSink>();
        await records.AppendAsync(contosoCall, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Contoso secret.", StartMs = 0, EndMs = 100, At = host.Time.GetUtcNow() });
        var conf = NewConferenceId();
        // As a manifest written before the write-side check existed would hold it.
        var store = host.App.Services.GetRequiredService<BlobConferenceStore>();
        Assert.NotNull((await store.UpdateAsync("acme", conf, [contosoCall], 0, 0, new ConferenceOptions(), host.Time.GetUtcNow())).Manifest);
        var service = host.App.Services.GetRequiredService<ConferenceService>();

        var result = await service.GetMinutesAsync("acme", conf, Core.Minutes.MinutesFormat.Txt);

        Assert.Equal(ConferenceMinutesOutcome.Found, result.Outcome);
        Assert.DoesNotContain("Contoso secret.", result.Content);
    }

    [SkippableFact]
    public async Task Per_conference_limits_answer_413_and_store_nothing()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), new Dictionary<string, string?>
        {
            ["Conferences:MaxSegments"] = "3",
            ["Conferences:MaxCallIds"] = "1",
        });
        var conf = NewConferenceId();
        var first = RecordsApiHost.NewCallId();
        var second = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(first);
        await host.SeedSessionAsync(second);

        using (var ok = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body([Segment("one"), Segment("two")], first)))
        {
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }

        using var tooManySegments = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body([Segment("three"), Segment("four")]));
        using var tooManyCalls = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body([Segment("five")], second));
        using var minutes = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=txt");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooManySegments.StatusCode);
        Assert.Equal("conference_limit", (await tooManySegments.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooManyCalls.StatusCode);
        Assert.Contains("at most 1 calls", (await tooManyCalls.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        var text = await minutes.Content.ReadAsStringAsync();
        Assert.DoesNotContain("three", text);
        Assert.DoesNotContain("five", text);
    }

    [SkippableFact]
    public async Task Conference_minutes_are_rendered_once_until_something_changes()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var conf = NewConferenceId();
        using (var submitted = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body([Segment("first line")])))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        using var txt = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=txt");
        using var again = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=txt");
        using var md = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=md");
        Assert.Equal(1, host.Summarizer.Calls);
        Assert.Equal(await txt.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("text/markdown", md.Content.Headers.ContentType!.MediaType);

        using (var more = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body([Segment("second line")])))
        {
            Assert.Equal(HttpStatusCode.Accepted, more.StatusCode);
        }

        using var changed = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=txt");
        Assert.Equal(2, host.Summarizer.Calls);
        Assert.Contains("second line", await changed.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task The_text_sent_to_the_summarizer_is_capped_but_the_minutes_keep_every_line()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), new Dictionary<string, string?> { ["Conferences:MaxSummaryInputChars"] = "1000" });
        var conf = NewConferenceId();
        var segments = Enumerable.Range(0, 20).Select(i => (object)new { speaker = "alice", text = $"line {i:00} " + new string('x', 200), startMs = i * 1000 }).ToArray();
        using (var submitted = await host.Client.PostAsync($"/api/v1/minutes/{conf}/transcripts", Body(segments)))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        }

        using var minutes = await host.Client.GetAsync($"/api/v1/minutes/{conf}?format=txt");
        var text = await minutes.Content.ReadAsStringAsync();

        Assert.InRange(host.Summarizer.LastInputChars, 1, 1000);
        Assert.Contains("line 19", text);
    }

    private static string NewConferenceId() => "conf-" + Guid.NewGuid().ToString("N")[..12];

    private static object Segment(string text) => new { speaker = "alice", text, startMs = 0 };

    private static StringContent Body(object[] segments, params string[] callIds) =>
        new(JsonSerializer.Serialize(new { callIds, segments }), Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> SubmitAsync(TenantApiHost host, string key, string conf, object segment, params string[] callIds)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/minutes/{conf}/transcripts") { Content = Body([segment], callIds) };
        request.Headers.Add("X-Api-Key", key);
        return await host.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(TenantApiHost host, string key, string conf)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/minutes/{conf}?format=txt");
        request.Headers.Add("X-Api-Key", key);
        return await host.Client.SendAsync(request);
    }
}
