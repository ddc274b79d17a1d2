using System.Globalization;
using System.Text.Json;
using DvServerless.Adapters.Voices;
using DvServerless.Core.Tts;
using DvServerless.Core.Voices;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Http.Features;

namespace DvServerless.Functions.Voices;

/// <summary>
/// What the voice functions share: listing (<c>?live=false</c> skips the provider) and adding a voice from a
/// multipart upload (<c>name</c>, <c>description</c>?, <c>consent</c>, <c>file</c>), mapped to HTTP.
/// </summary>
public sealed partial class VoiceRequests
{
    /// <summary>The largest upload request: the 10 MB sample plus room for the other form fields.</summary>
    public const long MaxUploadRequestBytes = VoiceSampleValidator.MaxBytes + (256 * 1024);

    private readonly VoiceService _voices;
    private readonly ILogger<VoiceRequests> _logger;

    /// <summary>Creates the request handling.</summary>
    public VoiceRequests(VoiceService voices, ILogger<VoiceRequests> logger)
    {
        _voices = voices;
        _logger = logger;
    }

    /// <summary>Lists the tenant's voices, the provider catalogue and, unless <c>?live=false</c>, the live provider list.</summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!QueryValues.TryBool(request, "live", out var live))
        {
            return ErrorResults.BadRequest("live must be true or false.");
        }

        return Results.Json(await _voices.ListAsync(RequestTenant.Of(request.HttpContext), live ?? true, cancellationToken));
    }

    /// <summary>Adds a voice from a multipart upload (201), or answers why not.</summary>
    public async Task<IResult> AddAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (upload, error) = await ReadUploadAsync(request, _logger, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var context = request.HttpContext;
        var result = await _voices.AddAsync(RequestTenant.Of(context), upload!, cancellationToken);
        if (result.QuotaExceeded)
        {
            return Error(StatusCodes.Status409Conflict, "voice_quota_exceeded", result.Message);
        }

        if (!result.Succeeded)
        {
            var status = result.Errors.Any(e => e.Code == VoiceSampleError.FileTooLarge) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            return ErrorResults.Error(status, result.Errors[0].Code, result.Message, result.Errors.Select(e => new ErrorDetail(e.Code, e.Message)).ToList());
        }

        var voice = result.Voice!;
        return Results.Json(new
        {
            voice,
            voiceId = voice.Id,
            providerVoiceId = voice.ProviderVoiceId,
            status = voice.Status == VoiceStatus.Ready ? "ready" : "pending",
            message = result.Message,
        }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// Reads the multipart upload (<c>name</c>, <c>description</c>?, <c>consent</c>, <c>file</c>) into what the voice service
    /// validates, or the error to answer (415 not multipart, 413 too large, 400 unreadable); reading stores nothing.
    /// </summary>
    internal static async Task<(VoiceSampleUpload? Upload, IResult? Error)> ReadUploadAsync(HttpRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, "multipart_required",
                "Send multipart/form-data with the fields name, description (optional), consent and file."));
        }

        if (request.ContentLength > MaxUploadRequestBytes)
        {
            return (null, TooLarge());
        }

        // The app's default body limit (1 MB) is for webhooks; a voice sample may be 10 MB.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadRequestBytes;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            LogMalformedForm(logger, e.Message);
            return (null, Error(StatusCodes.Status400BadRequest, "malformed_form", "The multipart body cannot be read: " + e.Message));
        }

        var file = form.Files.GetFile("file") ?? form.Files.GetFile("files") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is { Length: > VoiceSampleValidator.MaxBytes })
        {
            return (null, TooLarge());
        }

        byte[] sample = [];
        if (file is not null)
        {
            sample = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(sample, cancellationToken);
        }

        return (new VoiceSampleUpload(Field(form, "name"), Field(form, "description"), ConsentOf(form), sample, file?.FileName), null);
    }

    /// <summary>
    /// The consent record from the form: a <c>consent</c> field holding JSON <c>{"by": "...", "at": "ISO time"}</c>, or
    /// the fields <c>consentBy</c>/<c>consentAt</c> (also <c>consent.by</c>/<c>consent.at</c>, <c>consent[by]</c>/<c>consent[at]</c>).
    /// Anything unreadable is treated as missing, which the validator reports.
    /// </summary>
    internal static VoiceConsent? ConsentOf(IFormCollection form)
    {
        if (Field(form, "consent") is { } json && json.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                var by = Property(root, "by");
                var at = Property(root, "at");
                return by is not null && TryTime(at, out var when) ? new VoiceConsent(by, when) : null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a name or string System.Text.Json cannot decode (a lone surrogate escape).
                return null;
            }
        }

        var byField = Field(form, "consentBy") ?? Field(form, "consent.by") ?? Field(form, "consent[by]");
        var atField = Field(form, "consentAt") ?? Field(form, "consent.at") ?? Field(form, "consent[at]");
        return byField is not null && TryTime(atField, out var at2) ? new VoiceConsent(byField, at2) : null;
    }

    private static string? Property(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    private static bool TryTime(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString() : null;

    private static IResult TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, VoiceSampleError.FileTooLarge,
        $"The audio file is larger than {VoiceSampleValidator.MaxBytes} bytes (10 MB); send a shorter sample.");

    private static IResult Error(int status, string code, string message) => ErrorResults.Error(status, code, message);

    [LoggerMessage(EventId = 5251, Level = LogLevel.Information, Message = "Rejected an unreadable voice upload: {Reason}")]
    private static partial void LogMalformedForm(ILogger logger, string reason);
}
