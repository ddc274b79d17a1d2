using DvServerless.Adapters.Storage;
using DvServerless.Core.Tts;
using DvServerless.Core.Voices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Voices;

/// <summary>
/// Adds, deletes and lists a tenant's voices: validates the sample, stores it, clones it at ElevenLabs when a key is
/// configured (else the voice is stored as pending with the reason), and keeps the record with the consent.
/// </summary>
public sealed partial class VoiceService
{
    /// <summary>The pending reason when no provider key is configured.</summary>
    public const string NoProviderKeyReason = "No ElevenLabs API key is configured; the sample is stored and the voice will be cloned once a key is set.";

    private readonly BlobVoiceLibrary _library;
    private readonly ElevenLabsVoiceClient _elevenLabs;
    private readonly TimeProvider _time;
    private readonly ILogger<VoiceService> _logger;
    private readonly VoiceLibraryOptions _options;

    /// <summary>Creates the service.</summary>
    public VoiceService(BlobVoiceLibrary library, ElevenLabsVoiceClient elevenLabs, IOptions<VoiceLibraryOptions> options, TimeProvider time, ILogger<VoiceService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _library = library;
        _elevenLabs = elevenLabs;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Validates and adds a voice. Invalid input stores nothing and returns the errors.</summary>
    public async Task<VoiceAddResult> AddAsync(string tenantId, VoiceSampleUpload upload, CancellationToken cancellationToken = default)
    {
        CallIdFormat.ThrowIfInvalid(tenantId, nameof(tenantId));
        var validation = VoiceSampleValidator.Validate(upload);
        if (!validation.IsValid)
        {
            return new VoiceAddResult(null, validation.Errors, string.Join(" ", validation.Errors.Select(e => e.Message)));
        }

        // Checked before anything is stored or cloned. Two adds racing at the limit may both pass: the quota bounds
        // growth, it is not an exact count.
        var held = (await _library.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Count;
        if (held >= _options.MaxVoicesPerTenant)
        {
            LogQuotaExceeded(tenantId, held);
            return new VoiceAddResult(null, [], $"The voice library holds {held} voices; at most {_options.MaxVoicesPerTenant} per tenant. Delete a voice first.", QuotaExceeded: true);
        }

        var id = "v_" + Guid.NewGuid().ToString("N");
        var sampleBlob = await _library.SaveSampleAsync(tenantId, id, validation.Kind, upload.Sample, cancellationToken).ConfigureAwait(false);
        var record = new VoiceRecord
        {
            Id = id,
            TenantId = tenantId,
            Name = upload.Name!.Trim(),
            Description = string.IsNullOrWhiteSpace(upload.Description) ? null : upload.Description.Trim(),
            Provider = "elevenlabs",
            Status = VoiceStatus.Pending,
            PendingReason = NoProviderKeyReason,
            Consent = upload.Consent! with { By = upload.Consent!.By.Trim() },
            SampleBlob = sampleBlob,
            SampleKind = validation.Kind,
            CreatedAt = _time.GetUtcNow(),
        };

        if (_elevenLabs.IsConfigured)
        {
            try
            {
                var providerId = await _elevenLabs.AddVoiceAsync(record.Name, record.Description, upload.Sample, validation.Kind, cancellationToken).ConfigureAwait(false);
                record = record with { ProviderVoiceId = providerId, Status = VoiceStatus.Ready, PendingReason = null };
            }
            // The provider's own error text stays in the log: it can name the shared account, its quota or its workspace.
            catch (TextToSpeechException e)
            {
                LogCloneFailed(tenantId, id, e.StatusCode, e.Message);
                record = record with { PendingReason = $"Cloning at ElevenLabs failed (HTTP {e.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "error"}); the sample is kept, see the gateway's log." };
            }
            catch (HttpRequestException e)
            {
                LogCloneFailed(tenantId, id, null, e.Message);
                record = record with { PendingReason = "ElevenLabs could not be reached; the sample is kept and can be cloned later." };
            }
        }

        await _library.SaveRecordAsync(record, cancellationToken).ConfigureAwait(false);
        LogAdded(tenantId, id, record.Status);
        var message = record.Status == VoiceStatus.Ready
            ? $"Voice '{record.Name}' cloned; provider voice id {record.ProviderVoiceId}."
            : $"Voice '{record.Name}' stored as pending. {record.PendingReason}";
        return new VoiceAddResult(record, [], message);
    }

    /// <summary>Deletes the sample, the record and the provider voice; false when the tenant has no such voice.</summary>
    /// <exception cref="TextToSpeechException">The provider refused the delete (the library entry is kept so it can be retried).</exception>
    public async Task<bool> DeleteAsync(string tenantId, string voiceId, CancellationToken cancellationToken = default)
    {
        var record = await _library.GetAsync(tenantId, voiceId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        if (record.ProviderVoiceId is { } providerId && _elevenLabs.IsConfigured)
        {
            // Provider first: if it fails the record still names the provider voice, so a retry can remove it.
            await _elevenLabs.DeleteVoiceAsync(providerId, cancellationToken).ConfigureAwait(false);
        }

        await _library.DeleteAsync(record, cancellationToken).ConfigureAwait(false);
        LogDeleted(tenantId, voiceId);
        return true;
    }

    /// <summary>
    /// Lists the tenant's library and the catalogues, plus a live ElevenLabs fetch when asked and configured — filtered to
    /// ElevenLabs' premade voices and the tenant's own clones (never another tenant's).
    /// </summary>
    public async Task<VoiceListing> ListAsync(string tenantId, bool includeLive = true, CancellationToken cancellationToken = default)
    {
        var library = await _library.ListAsync(tenantId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<CatalogVoice>? live = null;
        string? liveError = null;
        if (includeLive && _elevenLabs.IsConfigured)
        {
            try
            {
                // The ElevenLabs account is shared by every tenant: show its premade voices and this tenant's own clones only.
                var own = library.Select(v => v.ProviderVoiceId).OfType<string>().ToHashSet(StringComparer.Ordinal);
                live = (await _elevenLabs.ListVoicesAsync(cancellationToken).ConfigureAwait(false))
                    .Where(v => own.Contains(v.VoiceId) || string.Equals(v.Note, ElevenLabsVoiceClient.PremadeCategory, StringComparison.Ordinal))
                    .ToArray();
            }
            catch (Exception e) when (e is TextToSpeechException or HttpRequestException or System.Text.Json.JsonException)
            {
                LogLiveListFailed(tenantId, e.Message);
                liveError = "The live ElevenLabs voice list is unavailable right now.";
            }
        }

        return new VoiceListing(library, VoiceCatalog.ElevenLabsKorean, VoiceCatalog.OpenAI, live, liveError);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Voice {VoiceId} added for tenant {TenantId} ({Status}).")]
    private partial void LogAdded(string tenantId, string voiceId, VoiceStatus status);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Cloning voice {VoiceId} of tenant {TenantId} failed (HTTP {Status}: {Reason}); stored as pending.")]
    private partial void LogCloneFailed(string tenantId, string voiceId, int? status, string reason);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "The live ElevenLabs voice list for tenant {TenantId} failed: {Reason}")]
    private partial void LogLiveListFailed(string tenantId, string reason);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Voice upload of tenant {TenantId} refused: the library already holds {Count} voices.")]
    private partial void LogQuotaExceeded(string tenantId, int count);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Voice {VoiceId} of tenant {TenantId} deleted.")]
    private partial void LogDeleted(string tenantId, string voiceId);
}
