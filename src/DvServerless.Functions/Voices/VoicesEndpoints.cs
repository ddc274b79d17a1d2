using System.Globalization;
using System.Text.Json;
using DvServerless.Adapters.Voices;
using DvServerless.Core.Tts;
using DvServerless.Core.Voices;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Records;
using Microsoft.AspNetCore.Http.Features;

using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Voices;

/// <summary>
/// Functions <c>Voices</c> (<c>GET|POST /api/voices</c>), <c>VoiceById</c> (<c>DELETE /api/voices/{voiceId}</c>) and the
/// compatible aliases <c>ElevenLabsVoicesFetch</c> (<c>GET /api/v1/config/apikeys/voices/elevenlabs/fetch</c>) and
/// <c>ElevenLabsVoicesClone</c> (<c>POST /api/v1/config/apikeys/voices/elevenlabs/clone</c>).
/// </summary>
internal static partial class VoicesEndpoints
{
    public const string VoicesRoute = "voices";
    public const string VoiceByIdRoute = "voices/{voiceId}";
    public const string FetchAliasRoute = "v1/config/apikeys/voices/elevenlabs/fetch";
    public const string CloneAliasRoute = "v1/config/apikeys/voices/elevenlabs/clone";

    /// <summary>The largest upload request: the 10 MB sample plus room for the other form fields.</summary>
    public const long MaxUploadRequestBytes = VoiceSampleValidator.MaxBytes + (256 * 1024);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Api(VoicesRoute), ListAsync).WithName("Voices").RequireTenant();
        app.MapPost(Api(VoicesRoute), AddAsync).WithName("VoicesAdd").RequireTenant();
        app.MapDelete(Api(VoiceByIdRoute), DeleteAsync).WithName("VoiceById").RequireTenant();
        app.MapGet(Api(FetchAliasRoute), ListAsync).WithName("ElevenLabsVoicesFetch").RequireTenant();
        app.MapPost(Api(CloneAliasRoute), AddAsync).WithName("ElevenLabsVoicesClone").RequireTenant();
    }

    private static string Api(string route) => "/" + FunctionRoutes.Prefix + "/" + route;

    private static async Task<IResult> ListAsync(bool? live, HttpContext context, VoiceService voices, CancellationToken cancellationToken) =>
        Results.Json(await voices.ListAsync(RequestTenant.Of(context), live ?? true, cancellationToken));

    private static async Task<IResult> AddAsync(HttpContext context, VoiceService voices, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "multipart_required",
                "Send multipart/form-data with the fields name, description (optional), consent and file.");
        }

        if (request.ContentLength > MaxUploadRequestBytes)
        {
            return TooLarge();
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
            return TooLarge();
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            LogMalformedForm(loggers.CreateLogger(typeof(VoicesEndpoints).FullName!), e.Message);
            return Error(StatusCodes.Status400BadRequest, "malformed_form", "The multipart body cannot be read: " + e.Message);
        }

        var file = form.Files.GetFile("file") ?? form.Files.GetFile("files") ?? form.Files.FirstOrDefault();
        if (file is { Length: > VoiceSampleValidator.MaxBytes })
        {
            return TooLarge();
        }

        byte[] sample = [];
        if (file is not null)
        {
            sample = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(sample, cancellationToken);
        }

        var upload = new VoiceSampleUpload(Field(form, "name"), Field(form, "description"), ConsentOf(form), sample, file?.FileName);
        var result = await voices.AddAsync(RequestTenant.Of(context), upload, cancellationToken);
        if (result.QuotaExceeded)
        {
            return Error(StatusCodes.Status409Conflict, "voice_quota_exceeded", result.Message);
        }

        if (!result.Succeeded)
        {
            var status = result.Errors.Any(e => e.Code == VoiceSampleError.FileTooLarge) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            return Results.Json(new
            {
                error = result.Errors[0].Code,
                message = result.Message,
                errors = result.Errors.Select(e => new { code = e.Code, message = e.Message }),
            }, statusCode: status);
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

    private static async Task<IResult> DeleteAsync(string voiceId, HttpContext context, VoiceService voices, CancellationToken cancellationToken)
    {
        if (!Adapters.Storage.CallIdFormat.IsValid(voiceId))
        {
            return Error(StatusCodes.Status404NotFound, "not_found", "No such voice.");
        }

        try
        {
            return await voices.DeleteAsync(RequestTenant.Of(context), voiceId, cancellationToken)
                ? Results.NoContent()
                : Error(StatusCodes.Status404NotFound, "not_found", "No such voice.");
        }
        catch (Exception e) when (e is TextToSpeechException or HttpRequestException)
        {
            // The record is kept so the delete can be retried once the provider answers.
            return Error(StatusCodes.Status502BadGateway, "provider_error", "The provider refused to delete the voice; nothing was removed. " + e.Message);
        }
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
            catch (JsonException)
            {
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

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new ErrorResults.ErrorBody(code, message), statusCode: status);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Rejected an unreadable voice upload: {Reason}")]
    private static partial void LogMalformedForm(ILogger logger, string reason);
}
