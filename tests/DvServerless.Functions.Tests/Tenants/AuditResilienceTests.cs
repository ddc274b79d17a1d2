using System.Diagnostics.Metrics;
using System.Net;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>Failed logins cannot flood the audit log, and audit write failures are counted, not swallowed.</summary>
public sealed class AuditResilienceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task Past_20_failed_authentications_a_minute_an_address_gets_429_with_retry_after_and_no_audit_write()
    {
        // A day of its own, so other tests' failed logins do not share this audit blob.
        await using var host = await TenantApiHost.StartAsync(azurite.Require(), now: new DateTimeOffset(2031, 7, 14, 10, 0, 15, TimeSpan.Zero));
        var day = DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime);
        var before = (await host.Audit.ReadAsync(AuditEntry.AnonymousTenantId, day)).Count;
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 25; i++)
        {
            last?.Dispose();
            last = await SendWithKeyAsync(host, "dvs_wrong-key-0123456789abcdef");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)), statuses);
        var retryAfter = int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        last.Dispose();
        var after = (await host.Audit.ReadAsync(AuditEntry.AnonymousTenantId, day)).Count;
        Assert.Equal(20, after - before);

        // A valid key from the same address is not a failure and still gets through.
        using (var ok = await SendWithKeyAsync(host, TenantApiHost.AcmeKey))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        host.Time.Advance(TimeSpan.FromSeconds(retryAfter));
        using var again = await SendWithKeyAsync(host, "dvs_wrong-key-0123456789abcdef");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [SkippableFact]
    public async Task An_audit_write_failure_is_counted_and_does_not_fail_the_request()
    {
        await using var host = await TenantApiHost.StartAsync(azurite.Require(), services: services =>
        {
            services.RemoveAll<IAuditLog>();
            services.AddSingleton<IAuditLog>(new FailingAuditLog());
        });
        var failures = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == TenantApiGate.AuditFailuresMetric && instrument.Meter.Name == TenantApiGate.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();

        using var response = await SendWithKeyAsync(host, TenantApiHost.AcmeKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Interlocked.Read(ref failures));
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(TenantApiHost host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions");
        request.Headers.Add("X-Api-Key", key);
        return await host.Client.SendAsync(request);
    }

    private sealed class FailingAuditLog : IAuditLog
    {
        public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
            throw new IOException("storage unavailable");

        public Task<IReadOnlyList<AuditEntry>> ReadAsync(string tenantId, DateOnly day, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditEntry>>([]);
    }
}
