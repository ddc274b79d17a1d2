using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// <see cref="ICallRecordSink"/> on Blob storage: container <c>transcripts</c>, one append blob <c>{callId}.jsonl</c>
/// per call, one JSON line per entry. An append block holds whole lines (one entry, or a batch of them written
/// together), so a line is never torn and a crash loses at most the entries in flight. An append retried after a lost
/// answer can land twice; <see cref="ReadAsync"/> keeps the first line of each <see cref="CallRecordEntry.EntryId"/>.
/// </summary>
public sealed partial class BlobCallRecordSink : ICallRecordSink
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly LazyBlobContainer _container;
    private readonly ILogger<BlobCallRecordSink> _logger;

    /// <summary>Creates the sink over <paramref name="container"/> (created on first use).</summary>
    public BlobCallRecordSink(BlobContainerClient container, ILogger<BlobCallRecordSink> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = new LazyBlobContainer(container);
        _logger = logger;
    }

    /// <inheritdoc />
    public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AppendManyAsync(callId, [entry], cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One append block for the whole batch, or several in order when its lines pass the service's block size
    /// (<see cref="AppendBlobClient.AppendBlobMaxAppendBlockBytes"/>); a line is never split across two blocks.
    /// </remarks>
    public async Task AppendManyAsync(string callId, IReadOnlyList<CallRecordEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var blob = await GetBlobAsync(callId, cancellationToken).ConfigureAwait(false);
        foreach (var block in Blocks(entries, blob.AppendBlobMaxAppendBlockBytes))
        {
            try
            {
                await AppendBlockAsync(blob, block, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // First entry of the call: create the blob, then append. Creating only on a miss saves a request per entry.
                await blob.CreateIfNotExistsAsync(
                    new AppendBlobCreateOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" } },
                    cancellationToken).ConfigureAwait(false);
                await AppendBlockAsync(blob, block, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The entries as JSON lines, packed in order into blocks of at most <paramref name="maxBytes"/> (a longer line is a block of its own).</summary>
    internal static IEnumerable<byte[]> Blocks(IReadOnlyList<CallRecordEntry> entries, int maxBytes)
    {
        using var block = new MemoryStream();
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            var line = JsonSerializer.SerializeToUtf8Bytes(entry, StorageJson.Options);
            if (block.Length > 0 && block.Length + line.Length + NewLine.Length > maxBytes)
            {
                yield return block.ToArray();
                block.SetLength(0);
            }

            block.Write(line);
            block.Write(NewLine);
        }

        if (block.Length > 0)
        {
            yield return block.ToArray();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default)
    {
        var blob = await GetBlobAsync(callId, cancellationToken).ConfigureAwait(false);
        BinaryData content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        var entries = new List<CallRecordEntry>();
        HashSet<string>? seen = null;
        var lineNumber = 0;
        foreach (var line in Encoding.UTF8.GetString(content.ToMemory().Span).Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var entry = JsonSerializer.Deserialize<CallRecordEntry>(line, StorageJson.Options);
                if (entry is not null && (entry.EntryId is null || (seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(entry.EntryId)))
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // One bad line (written by hand or by an older version) must not hide the rest of the record.
                LogBadLine(callId, lineNumber);
            }
        }

        return entries;
    }

    private static async Task AppendBlockAsync(AppendBlobClient blob, byte[] block, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(block, writable: false);
        await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppendBlobClient> GetBlobAsync(string callId, CancellationToken cancellationToken)
    {
        CallIdFormat.ThrowIfInvalid(callId, nameof(callId));
        var container = await _container.GetAsync(cancellationToken).ConfigureAwait(false);
        return container.GetAppendBlobClient(callId + ".jsonl");
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Skipped an unreadable line {LineNumber} in the record of call {CallId}.")]
    private partial void LogBadLine(string callId, int lineNumber);
}
