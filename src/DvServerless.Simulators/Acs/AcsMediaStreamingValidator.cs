using System.Text.Json;
using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Validates an answer's <c>mediaStreamingOptions</c> against the swagger (<c>MediaStreamingOptions</c>): a websocket
/// transport to a ws(s) URL, mixed or unmixed audio, a 16 or 24 kHz PCM format and the boolean switches.
/// </summary>
internal static class AcsMediaStreamingValidator
{
    private static readonly string[] MediaFields =
        ["transportType", "audioChannelType", "transportUrl", "contentType", "startMediaStreaming", "enableBidirectional", "audioFormat", "enableDtmfTones"];

    /// <summary>The settings the options ask for, or why they are refused.</summary>
    public static (string? Error, MediaStreamingSettings? Settings) Validate(JsonElement options)
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            return ("'mediaStreamingOptions' must be an object.", null);
        }

        if (AcsRequestJson.Unknown(options, MediaFields) is { } unknown)
        {
            return ($"Unknown mediaStreamingOptions property '{unknown}'.", null);
        }

        var transportType = AcsRequestJson.RequiredString(options, "transportType", out var error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (transportType != "websocket")
        {
            return ("mediaStreamingOptions.transportType must be 'websocket'.", null);
        }

        var channelType = AcsRequestJson.RequiredString(options, "audioChannelType", out error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (channelType is not ("mixed" or "unmixed"))
        {
            return ("mediaStreamingOptions.audioChannelType must be 'mixed' or 'unmixed'.", null);
        }

        var url = AcsRequestJson.RequiredString(options, "transportUrl", out error);
        if (error is not null)
        {
            return ("mediaStreamingOptions: " + error, null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var transportUrl) || (transportUrl.Scheme != "ws" && transportUrl.Scheme != "wss"))
        {
            return ("mediaStreamingOptions.transportUrl must be an absolute ws:// or wss:// URL.", null);
        }

        var contentType = AcsRequestJson.OptionalString(options, "contentType", out error);
        if (error is not null || contentType is not (null or "audio"))
        {
            return ("mediaStreamingOptions.contentType must be 'audio'.", null);
        }

        var audioFormat = AcsRequestJson.OptionalString(options, "audioFormat", out error);
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

        var start = AcsRequestJson.OptionalBoolean(options, "startMediaStreaming", out error);
        var bidirectional = AcsRequestJson.OptionalBoolean(options, "enableBidirectional", out var error2);
        var dtmf = AcsRequestJson.OptionalBoolean(options, "enableDtmfTones", out var error3);
        if ((error ?? error2 ?? error3) is { } booleanError)
        {
            return ("mediaStreamingOptions: " + booleanError, null);
        }

        return (null, new MediaStreamingSettings(transportUrl, format.Value, start, bidirectional, channelType, dtmf));
    }
}
