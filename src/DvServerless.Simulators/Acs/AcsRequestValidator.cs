using System.Text.Json;
using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Validates Call Automation request bodies against the 2026-03-12 swagger: required fields, enum values and
/// <c>additionalProperties: false</c> (an unknown field is the client's mistake, so it is refused).
/// </summary>
internal static class AcsRequestValidator
{
    private static readonly string[] AnswerFields =
        ["incomingCallContext", "callbackUri", "operationContext", "callIntelligenceOptions", "answeredBy", "mediaStreamingOptions", "transcriptionOptions"];

    private static readonly string[] MediaFields =
        ["transportType", "audioChannelType", "transportUrl", "contentType", "startMediaStreaming", "enableBidirectional", "audioFormat", "enableDtmfTones"];

    private static readonly string[] IdentifierFields =
        ["kind", "rawId", "communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"];

    private static readonly string[] IdentifierKinds =
        ["communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser", "unknown"];

    private static readonly string[] PlayFields = ["playSources", "playTo", "interruptCallMediaOperation", "playOptions", "operationContext", "operationCallbackUri"];
    private static readonly string[] PlaySourceFields = ["kind", "playSourceCacheId", "file", "text", "ssml"];

    private static readonly string[] TransferFields =
        ["targetParticipant", "operationContext", "transferee", "operationCallbackUri", "customCallingContext", "sourceCallerIdNumber"];

    public static (string? Error, AnswerSettings? Settings, string? IncomingCallContext) ValidateAnswer(byte[] body)
    {
        if (Root(body, AnswerFields, out var root) is { } error)
        {
            return (error, null, null);
        }

        var context = RequiredString(root, "incomingCallContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        var callback = RequiredString(root, "callbackUri", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        if (!Uri.TryCreate(callback, UriKind.Absolute, out var callbackUri) || (callbackUri.Scheme != Uri.UriSchemeHttps && callbackUri.Scheme != Uri.UriSchemeHttp))
        {
            return ("'callbackUri' must be an absolute http(s) URI.", null, null);
        }

        var operationContext = OptionalString(root, "operationContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        MediaStreamingSettings? media = null;
        if (root.TryGetProperty("mediaStreamingOptions", out var options) && options.ValueKind != JsonValueKind.Null)
        {
            (error, media) = ValidateMedia(options);
            if (error is not null)
            {
                return (error, null, null);
            }
        }

        return (null, new AnswerSettings(callbackUri, operationContext, media), context);
    }

    public static (string? Error, string? IncomingCallContext, string? Target) ValidateRejectOrRedirect(byte[] body, bool redirect)
    {
        if (Root(body, redirect ? ["incomingCallContext", "target"] : ["incomingCallContext", "callRejectReason"], out var root) is { } error)
        {
            return (error, null, null);
        }

        var context = RequiredString(root, "incomingCallContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        if (!redirect)
        {
            var reason = OptionalString(root, "callRejectReason", out error);
            error ??= reason is null or "none" or "busy" or "forbidden" ? null : "'callRejectReason' must be none, busy or forbidden.";
            return (error, context, null);
        }

        if (!root.TryGetProperty("target", out var target))
        {
            return ("'target' is required.", null, null);
        }

        var rawId = Identifier(target, "target", out error);
        return (error, context, rawId);
    }

    public static (string? Error, string? OperationContext) ValidatePlay(byte[] body)
    {
        if (Root(body, PlayFields, out var root) is { } error)
        {
            return (error, null);
        }

        if (!root.TryGetProperty("playSources", out var sources) || sources.ValueKind != JsonValueKind.Array || sources.GetArrayLength() == 0)
        {
            return ("'playSources' is required and must be a non-empty array.", null);
        }

        foreach (var source in sources.EnumerateArray())
        {
            if (source.ValueKind != JsonValueKind.Object)
            {
                return ("Each play source must be an object.", null);
            }

            if (Unknown(source, PlaySourceFields) is { } unknown)
            {
                return ($"Unknown play source property '{unknown}'.", null);
            }

            var kind = RequiredString(source, "kind", out error);
            if (error is not null)
            {
                return ("playSources: " + error, null);
            }

            var (payload, field) = kind switch
            {
                "file" => ("file", "uri"),
                "text" => ("text", "text"),
                "ssml" => ("ssml", "ssmlText"),
                _ => (null, null),
            };
            if (payload is null)
            {
                return ("A play source 'kind' must be file, text or ssml.", null);
            }

            if (!source.TryGetProperty(payload, out var content) || content.ValueKind != JsonValueKind.Object)
            {
                return ($"A '{kind}' play source needs a '{payload}' object.", null);
            }

            RequiredString(content, field!, out error);
            if (error is not null)
            {
                return ($"{payload}: {error}", null);
            }
        }

        if (root.TryGetProperty("playTo", out var playTo) && playTo.ValueKind != JsonValueKind.Null)
        {
            if (playTo.ValueKind != JsonValueKind.Array)
            {
                return ("'playTo' must be an array.", null);
            }

            foreach (var target in playTo.EnumerateArray())
            {
                Identifier(target, "playTo", out error);
                if (error is not null)
                {
                    return (error, null);
                }
            }
        }

        if (root.TryGetProperty("playOptions", out var playOptions) && playOptions.ValueKind != JsonValueKind.Null
            && (playOptions.ValueKind != JsonValueKind.Object || !playOptions.TryGetProperty("loop", out var loop) || (loop.ValueKind != JsonValueKind.True && loop.ValueKind != JsonValueKind.False)))
        {
            return ("'playOptions.loop' is required and must be a boolean.", null);
        }

        var operationContext = OptionalString(root, "operationContext", out error);
        return (error, operationContext);
    }

    public static (string? Error, string? Target, string? OperationContext) ValidateTransfer(byte[] body)
    {
        if (Root(body, TransferFields, out var root) is { } error)
        {
            return (error, null, null);
        }

        if (!root.TryGetProperty("targetParticipant", out var target))
        {
            return ("'targetParticipant' is required.", null, null);
        }

        var rawId = Identifier(target, "targetParticipant", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        var operationContext = OptionalString(root, "operationContext", out error);
        return (error, rawId, operationContext);
    }

    /// <summary>Validates an optional body (empty or an object with only <paramref name="allowed"/> fields).</summary>
    public static string? ParseOptionalObject(byte[] body, string[] allowed) =>
        body.Length == 0 ? null : Root(body, allowed, out _);

    private static (string? Error, MediaStreamingSettings? Settings) ValidateMedia(JsonElement options)
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            return ("'mediaStreamingOptions' must be an object.", null);
        }

        if (Unknown(options, MediaFields) is { } unknown)
        {
            return ($"Unknown mediaStreamingOptions property '{unknown}'.", null);
        }

        var transportType = RequiredString(options, "transportType", out var error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (transportType != "websocket")
        {
            return ("mediaStreamingOptions.transportType must be 'websocket'.", null);
        }

        var channelType = RequiredString(options, "audioChannelType", out error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (channelType is not ("mixed" or "unmixed"))
        {
            return ("mediaStreamingOptions.audioChannelType must be 'mixed' or 'unmixed'.", null);
        }

        var url = RequiredString(options, "transportUrl", out error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var transportUrl) || (transportUrl.Scheme != "ws" && transportUrl.Scheme != "wss"))
        {
            return ("mediaStreamingOptions.transportUrl must be an absolute ws:// or wss:// URL.", null);
        }

        var contentType = OptionalString(options, "contentType", out error);
        if (error is not null || contentType is not (null or "audio"))
        {
            return ("mediaStreamingOptions.contentType must be 'audio'.", null);
        }

        var audioFormat = OptionalString(options, "audioFormat", out error);
        AudioFormat? format = audioFormat switch
        {
            null or "pcm16KMono" => AudioFormat.Pcm16k,
            "pcm24KMono" => AudioFormat.Pcm24k,
            _ => null,
        };
        if (error is not null || format is null)
        {
            return ("mediaStreamingOptions.audioFormat must be 'pcm16KMono' or 'pcm24KMono'.", null);
        }

        var start = OptionalBoolean(options, "startMediaStreaming", out error);
        var bidirectional = OptionalBoolean(options, "enableBidirectional", out var error2);
        var dtmf = OptionalBoolean(options, "enableDtmfTones", out var error3);
        if ((error ?? error2 ?? error3) is { } booleanError)
        {
            return ("mediaStreamingOptions: " + booleanError, null);
        }

        return (null, new MediaStreamingSettings(transportUrl, format.Value, start, bidirectional, channelType, dtmf));
    }

    private static string? Identifier(JsonElement identifier, string name, out string? error)
    {
        error = null;
        if (identifier.ValueKind != JsonValueKind.Object)
        {
            error = $"'{name}' must be a CommunicationIdentifierModel object.";
            return null;
        }

        if (Unknown(identifier, IdentifierFields) is { } unknown)
        {
            error = $"Unknown identifier property '{unknown}' in '{name}'.";
            return null;
        }

        var kind = OptionalString(identifier, "kind", out error);
        if (error is null && kind is not null && !IdentifierKinds.Contains(kind))
        {
            error = $"'{name}.kind' is not a known identifier kind.";
        }

        var rawId = OptionalString(identifier, "rawId", out var rawError);
        error ??= rawError;
        if (error is not null)
        {
            return null;
        }

        if (identifier.TryGetProperty("phoneNumber", out var phone) && phone.ValueKind == JsonValueKind.Object)
        {
            var value = RequiredString(phone, "value", out error);
            if (error is not null)
            {
                error = $"'{name}.phoneNumber': {error}";
                return null;
            }

            rawId ??= "4:" + value;
        }

        if (identifier.TryGetProperty("communicationUser", out var user) && user.ValueKind == JsonValueKind.Object)
        {
            var id = RequiredString(user, "id", out error);
            if (error is not null)
            {
                error = $"'{name}.communicationUser': {error}";
                return null;
            }

            rawId ??= id;
        }

        if (rawId is null)
        {
            error = $"'{name}' names nobody (no rawId, phoneNumber or communicationUser).";
        }

        return rawId;
    }

    private static string? Root(byte[] body, string[] allowed, out JsonElement root)
    {
        root = default;
        if (body.Length == 0)
        {
            return "A JSON body is required.";
        }

        using var document = JsonDocument.Parse(body);
        root = document.RootElement.Clone();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "The body must be a JSON object.";
        }

        return Unknown(root, allowed) is { } unknown ? $"Unknown property '{unknown}'." : null;
    }

    private static string? Unknown(JsonElement element, string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return property.Name;
            }
        }

        return null;
    }

    private static string? RequiredString(JsonElement element, string name, out string? error)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = $"'{name}' is required.";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            error = $"'{name}' must be a non-empty string.";
            return null;
        }

        error = null;
        return value.GetString();
    }

    private static string? OptionalString(JsonElement element, string name, out string? error)
    {
        error = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string.";
            return null;
        }

        return value.GetString();
    }

    private static bool OptionalBoolean(JsonElement element, string name, out string? error)
    {
        error = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"'{name}' must be a boolean.";
            return false;
        }

        return value.GetBoolean();
    }
}
