using Azure.Storage.Blobs;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Tenants;

public sealed class BlobAuditLogRolloverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task A_full_append_blob_rolls_over_to_the_next_part_and_every_part_is_read_back_in_order()
    {
        var container = new BlobServiceClient(azurite.Require()).GetBlobContainerClient("audit" + Guid.NewGuid().ToString("N")[..12]);
        var log = new BlobAuditLog(container, NullLogger<BlobAuditLog>.Instance, maxBlocksPerBlob: 3);
        for (var i = 0; i < 7; i++)
        {
            await log.AppendAsync(new AuditEntry { Timestamp = Noon.AddSeconds(i), TenantId = "acme", Method = "GET", Path = "/api/v1/sessions/" + i, Status = 200, Action = AuditAction.ApiAccess });
        }

        var day = new DateOnly(2026, 1, 10);
        var lines = new List<int>();
        foreach (var part in new[] { 0, 1, 2 })
        {
            var text = (await container.GetBlobClient(BlobAuditLog.BlobName("acme", day, part)).DownloadContentAsync()).Value.Content.ToString();
            lines.Add(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        Assert.Equal([3, 3, 1], lines);
        Assert.Equal("acme/2026-01-10.1.jsonl", BlobAuditLog.BlobName("acme", day, 1));
        var read = await log.ReadAsync("acme", day);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => "/api/v1/sessions/" + i), read.Select(e => e.Path));
    }
}
