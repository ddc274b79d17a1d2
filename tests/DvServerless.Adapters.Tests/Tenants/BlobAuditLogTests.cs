using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Tenants;

public sealed class BlobAuditLogTests : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly AzuriteFixture _azurite;

    public BlobAuditLogTests(AzuriteFixture azurite) => _azurite = azurite;

    private (BlobAuditLog Log, BlobContainerClient Container) Create()
    {
        var container = new BlobServiceClient(_azurite.Require()).GetBlobContainerClient("audit" + Guid.NewGuid().ToString("N")[..12]);
        return (new BlobAuditLog(container, NullLogger<BlobAuditLog>.Instance), container);
    }

    [SkippableFact]
    public async Task Each_request_is_one_json_line_in_the_tenants_blob_of_the_day()
    {
        var (log, container) = Create();
        await log.AppendAsync(new AuditEntry { Timestamp = Noon, TenantId = "acme", Method = "GET", Path = "/api/v1/sessions", Status = 200, Action = AuditAction.ApiAccess });
        await log.AppendAsync(new AuditEntry { Timestamp = Noon.AddSeconds(1), TenantId = "acme", Method = "GET", Path = "/api/v1/sessions/x", Status = 403, Action = AuditAction.CrossTenantAttempt });
        await log.AppendAsync(new AuditEntry { Timestamp = Noon.AddHours(13), TenantId = "acme", Method = "GET", Path = "/api/v1/sessions", Status = 429, Action = AuditAction.RateLimited });

        var text = (await container.GetBlobClient("acme/2026-01-10.jsonl").DownloadContentAsync()).Value.Content.ToString();

        // Each line ends with its own id (32 hex digits), different on every line.
        var ids = Regex.Matches(text, ""","id":"([0-9a-f]{32})"}\n""").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        text = Regex.Replace(text, ""","id":"[0-9a-f]{32}"}""", "}");
        Assert.Equal(
            """
            {"ts":"2026-01-10T12:00:00+00:00","tenantId":"acme","method":"GET","path":"/api/v1/sessions","status":200,"action":"api_access"}
            {"ts":"2026-01-10T12:00:01+00:00","tenantId":"acme","method":"GET","path":"/api/v1/sessions/x","status":403,"action":"cross_tenant_attempt"}

            """.ReplaceLineEndings("\n"),
            text);

        var nextDay = await log.ReadAsync("acme", new DateOnly(2026, 1, 11));
        Assert.Equal(AuditAction.RateLimited, Assert.Single(nextDay).Action);
        Assert.Equal(2, (await log.ReadAsync("acme", new DateOnly(2026, 1, 10))).Count);
        Assert.Empty(await log.ReadAsync("contoso", new DateOnly(2026, 1, 10)));
    }

    [SkippableFact]
    public async Task Query_strings_and_phone_numbers_never_reach_the_log()
    {
        var (log, container) = Create();
        await log.AppendAsync(new AuditEntry
        {
            Timestamp = Noon,
            TenantId = null!,
            Method = "POST",
            Path = "/api/v1/calls/%2B14255550123/hangup?code=function-key-secret&token=eyJhbGciOi",
            Status = 401,
            Action = AuditAction.AuthFailed,
        });

        var text = (await container.GetBlobClient("_anonymous/2026-01-10.jsonl").DownloadContentAsync()).Value.Content.ToString();
        Assert.DoesNotContain("function-key-secret", text);
        Assert.DoesNotContain("eyJ", text);
        Assert.DoesNotContain("4255550123", text);
        var entry = Assert.Single(await log.ReadAsync(AuditEntry.AnonymousTenantId, new DateOnly(2026, 1, 10)));
        Assert.Equal("/api/v1/calls/%2B*******0123/hangup", entry.Path);
        Assert.Equal(AuditAction.AuthFailed, entry.Action);
    }

    [SkippableFact]
    public async Task A_line_that_landed_twice_after_a_retried_append_is_read_once()
    {
        var (log, container) = Create();
        await log.AppendAsync(new AuditEntry { Timestamp = Noon, TenantId = "acme", Method = "GET", Path = "/api/v1/sessions", Status = 200, Action = AuditAction.ApiAccess });
        await log.AppendAsync(new AuditEntry { Timestamp = Noon, TenantId = "acme", Method = "GET", Path = "/api/v1/sessions", Status = 200, Action = AuditAction.ApiAccess });

        // What the storage client's retry leaves when the first append landed but its answer was lost: the same line again.
        var blob = container.GetAppendBlobClient("acme/2026-01-10.jsonl");
        var first = (await blob.DownloadContentAsync()).Value.Content.ToString().Split('\n')[0];
        using (var again = new MemoryStream(Encoding.UTF8.GetBytes(first + "\n")))
        {
            await blob.AppendBlockAsync(again);
        }

        // Two requests, two lines, though the blob holds three; two identical requests stay two (their ids differ).
        var entries = await log.ReadAsync("acme", new DateOnly(2026, 1, 10));
        Assert.Equal(2, entries.Count);
        Assert.Equal(2, entries.Select(e => e.EntryId).Distinct().Count());
        Assert.Equal(3, (await blob.DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // A line written before lines had ids is kept as it is.
        const string Old = """{"ts":"2026-01-10T12:00:05+00:00","tenantId":"acme","method":"GET","path":"/api/v1/minutes","status":200,"action":"api_access"}""";
        using (var old = new MemoryStream(Encoding.UTF8.GetBytes(Old + "\n" + Old + "\n")))
        {
            await blob.AppendBlockAsync(old);
        }

        Assert.Equal(4, (await log.ReadAsync("acme", new DateOnly(2026, 1, 10))).Count);
    }
}
