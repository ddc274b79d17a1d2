using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Validates Call Automation request bodies against the 2026-03-12 swagger: required fields, enum values and
/// <c>additionalProperties: false</c> (an unknown field is the client's mistake, so it is refused).
/// </summary>
internal static class AcsRequestValidator
{
    private static readonly string[] AnswerFields =
        ["incomingCallContext", "callbackUri", "operationContext", "callIntelligenceOptions", "answeredBy", "mediaStreamingOptions", "transcriptionOptions"];

    private static readonly string[] PlayFields = ["playSources", "playTo", "interruptCallMediaOperation", "playOptions", "operationContext", "operationCallbackUri"];
    private static readonly string[] PlaySourceFields = ["kind", "playSourceCacheId", "file", "text", "ssml"];

    private static readonly string[] TransferFields =
        ["targetParticipant", "operationContext", "transferee", "operationCallbackUri", "customCallingContext", "sourceCallerIdNumber"];

    public static (string? Error, AnswerSettings? Settings, string? IncomingCallContext) ValidateAnswer(byte[] body)
    {
        if (AcsRequestJson.Root(body, AnswerFields, out var root) is { } error)
        {
            return (error, null, null);
        }

        var context = AcsRequestJson.RequiredString(root, "incomingCallContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        var callback = AcsRequestJson.RequiredString(root, "callbackUri", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        if (!Uri.TryCreate(callback, UriKind.Absolute, out var callbackUri) || (callbackUri.Scheme != Uri.UriSchemeHttps && callbackUri.Scheme != Uri.UriSchemeHttp))
        {
            return ("'callbackUri' must be an absolute http(s) URI.", null, null);
        }

        var operationContext = AcsRequestJson.OptionalString(root, "operationContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        MediaStreamingSettings? media = null;
        if (root.TryGetProperty("mediaStreamingOptions", out var options) && options.ValueKind != JsonValueKind.Null)
        {
            (error, media) = AcsMediaStreamingValidator.Validate(options);
            if (error is not null)
            {
                return (error, null, null);
            }
        }

        return (null, new AnswerSettings(callbackUri, operationContext, media), context);
    }

    public static (string? Error, string? IncomingCallContext, string? Target) ValidateRejectOrRedirect(byte[] body, bool redirect)
    {
        if (AcsRequestJson.Root(body, redirect ? ["incomingCallContext", "target"] : ["incomingCallContext", "callRejectReason"], out var root) is { } error)
        {
            return (error, null, null);
        }

        var context = AcsRequestJson.RequiredString(root, "incomingCallContext", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        if (!redirect)
        {
            var reason = AcsRequestJson.OptionalString(root, "callRejectReason", out error);
            error ??= reason is null or "none" or "busy" or "forbidden" ? null : "'callRejectReason' must be none, busy or forbidden.";
            return (error, context, null);
        }

        if (!root.TryGetProperty("target", out var target))
        {
            return ("'target' is required.", null, null);
        }

        var rawId = AcsIdentifierValidator.RawId(target, "target", out error);
        return (error, context, rawId);
    }

    public static (string? Error, string? OperationContext) ValidatePlay(byte[] body)
    {
        if (AcsRequestJson.Root(body, PlayFields, out var root) is { } error)
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

            if (AcsRequestJson.Unknown(source, PlaySourceFields) is { } unknown)
            {
                return ($"Unknown play source property '{unknown}'.", null);
            }

            var kind = AcsRequestJson.RequiredString(source, "kind", out error);
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

            AcsRequestJson.RequiredString(content, field!, out error);
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
                AcsIdentifierValidator.RawId(target, "playTo", out error);
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

        var operationContext = AcsRequestJson.OptionalString(root, "operationContext", out error);
        return (error, operationContext);
    }

    public static (string? Error, string? Target, string? OperationContext) ValidateTransfer(byte[] body)
    {
        if (AcsRequestJson.Root(body, TransferFields, out var root) is { } error)
        {
            return (error, null, null);
        }

        if (!root.TryGetProperty("targetParticipant", out var target))
        {
            return ("'targetParticipant' is required.", null, null);
        }

        var rawId = AcsIdentifierValidator.RawId(target, "targetParticipant", out error);
        if (error is not null)
        {
            return (error, null, null);
        }

        var operationContext = AcsRequestJson.OptionalString(root, "operationContext", out error);
        return (error, rawId, operationContext);
    }

    /// <summary>Validates an optional body (empty or an object with only <paramref name="allowed"/> fields).</summary>
    public static string? ParseOptionalObject(byte[] body, string[] allowed) =>
        body.Length == 0 ? null : AcsRequestJson.Root(body, allowed, out _);
}
