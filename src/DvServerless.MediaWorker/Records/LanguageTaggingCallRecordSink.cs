using DvServerless.Core.Records;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Records;

/// <summary>Writes <see cref="CallRecordsOptions.Language"/> on turns that carry no language, then hands them to the real sink.</summary>
public sealed class LanguageTaggingCallRecordSink : ICallRecordSink
{
    private readonly ICallRecordSink _inner;
    private readonly string? _language;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public LanguageTaggingCallRecordSink(ICallRecordSink inner, IOptions<CallRecordsOptions> options)
    {
        _inner = inner;
        _language = string.IsNullOrWhiteSpace(options.Value.Language) ? null : options.Value.Language.Trim();
    }

    /// <inheritdoc />
    public Task AppendAsync(string callId, CallRecordEntry entry, CancellationToken cancellationToken = default) =>
        _inner.AppendAsync(callId, Tagged(entry), cancellationToken);

    /// <inheritdoc />
    public Task AppendManyAsync(string callId, IReadOnlyList<CallRecordEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return _inner.AppendManyAsync(callId, entries.Select(Tagged).ToArray(), cancellationToken);
    }

    private CallRecordEntry Tagged(CallRecordEntry entry) =>
        _language is not null && entry.Kind == "turn" && entry.Language is null ? entry with { Language = _language } : entry;

    /// <inheritdoc />
    public Task<IReadOnlyList<CallRecordEntry>> ReadAsync(string callId, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(callId, cancellationToken);
}
