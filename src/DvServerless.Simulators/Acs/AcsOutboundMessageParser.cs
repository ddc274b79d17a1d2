using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>A parsed outbound media message; <see cref="Error"/> is set when it is not one of the three spellings.</summary>
internal readonly record struct ParsedOutboundMessage(OutboundMediaKind Kind, OutboundMediaSpelling Spelling, byte[]? Audio, string? Error);

/// <summary>
/// Parses app → ACS media messages in exactly the three spellings of PROTOCOL §5.4 (docs PascalCase, .NET PascalCase
/// with extra null fields, js camelCase). Anything else is a protocol error: the simulator is strict so that it
/// catches the project's codec mistakes.
/// </summary>
internal static class AcsOutboundMessageParser
{
    private static readonly HashSet<string> PascalTopLevel = ["Kind", "AudioData", "StopAudio", "MarkData"];
    private static readonly HashSet<string> PascalAudioData = ["Data", "Timestamp", "Participant", "IsSilent", "Mark"];
    private static readonly HashSet<string> CamelTopLevel = ["kind", "audioData", "stopAudio"];
    private static readonly HashSet<string> CamelAudioData = ["data", "isSilent"];

    /// <summary>
    /// Parses one message. The document reads <paramref name="utf8"/> in place (no copy: a load run receives thousands of
    /// frames a second in the harness, whose garbage would count as caller jitter); nothing returned refers to it.
    /// </summary>
    public static ParsedOutboundMessage Parse(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("The message is not a JSON object.");
            }

            if (root.TryGetProperty("Kind", out var pascalKind))
            {
                return ParsePascal(root, pascalKind);
            }

            if (root.TryGetProperty("kind", out var camelKind))
            {
                return ParseCamel(root, camelKind);
            }

            return Fail("The message has neither 'Kind' nor 'kind'.");
        }
        catch (JsonException exception)
        {
            return Fail("The message is not valid JSON: " + exception.Message);
        }
    }

    private static ParsedOutboundMessage ParsePascal(JsonElement root, JsonElement kind)
    {
        if (UnknownProperty(root, PascalTopLevel) is { } unknown)
        {
            return Fail($"Unexpected property '{unknown}' in a PascalCase message.");
        }

        var dotNet = root.TryGetProperty("MarkData", out _);
        switch (kind.ValueKind == JsonValueKind.String ? kind.GetString() : null)
        {
            case "AudioData":
                if (!root.TryGetProperty("AudioData", out var audio) || audio.ValueKind != JsonValueKind.Object)
                {
                    return Fail("An AudioData message has no 'AudioData' object.");
                }

                if (root.TryGetProperty("StopAudio", out var stop) && stop.ValueKind != JsonValueKind.Null)
                {
                    return Fail("An AudioData message has a non-null 'StopAudio'.");
                }

                if (UnknownProperty(audio, PascalAudioData) is { } unknownAudio)
                {
                    return Fail($"Unexpected property '{unknownAudio}' in 'AudioData'.");
                }

                dotNet |= audio.TryGetProperty("Timestamp", out _) || audio.TryGetProperty("Participant", out _)
                    || audio.TryGetProperty("IsSilent", out _) || audio.TryGetProperty("Mark", out _);
                return DecodeAudio(audio, "Data", dotNet ? OutboundMediaSpelling.DotNetPascalCase : OutboundMediaSpelling.DocsPascalCase);
            case "StopAudio":
                if (!root.TryGetProperty("StopAudio", out var stopAudio) || stopAudio.ValueKind != JsonValueKind.Object)
                {
                    return Fail("A StopAudio message has no 'StopAudio' object.");
                }

                if (root.TryGetProperty("AudioData", out var audioData) && audioData.ValueKind != JsonValueKind.Null)
                {
                    return Fail("A StopAudio message has a non-null 'AudioData'.");
                }

                return new ParsedOutboundMessage(OutboundMediaKind.StopAudio,
                    dotNet ? OutboundMediaSpelling.DotNetPascalCase : OutboundMediaSpelling.DocsPascalCase, null, null);
            default:
                return Fail($"Unknown 'Kind' {kind.GetRawText()} (expected \"AudioData\" or \"StopAudio\").");
        }
    }

    private static ParsedOutboundMessage ParseCamel(JsonElement root, JsonElement kind)
    {
        if (UnknownProperty(root, CamelTopLevel) is { } unknown)
        {
            return Fail($"Unexpected property '{unknown}' in a camelCase message.");
        }

        switch (kind.ValueKind == JsonValueKind.String ? kind.GetString() : null)
        {
            case "audioData":
                if (!root.TryGetProperty("audioData", out var audio) || audio.ValueKind != JsonValueKind.Object)
                {
                    return Fail("An audioData message has no 'audioData' object.");
                }

                if (UnknownProperty(audio, CamelAudioData) is { } unknownAudio)
                {
                    return Fail($"Unexpected property '{unknownAudio}' in 'audioData'.");
                }

                return DecodeAudio(audio, "data", OutboundMediaSpelling.JsCamelCase);
            case "stopAudio":
                if (!root.TryGetProperty("stopAudio", out var stop) || stop.ValueKind != JsonValueKind.Object)
                {
                    return Fail("A stopAudio message has no 'stopAudio' object.");
                }

                if (root.TryGetProperty("audioData", out _))
                {
                    return Fail("A stopAudio message carries 'audioData'.");
                }

                return new ParsedOutboundMessage(OutboundMediaKind.StopAudio, OutboundMediaSpelling.JsCamelCase, null, null);
            default:
                return Fail($"Unknown 'kind' {kind.GetRawText()} (expected \"audioData\" or \"stopAudio\"; PascalCase values go with 'Kind').");
        }
    }

    private static ParsedOutboundMessage DecodeAudio(JsonElement audio, string dataName, OutboundMediaSpelling spelling)
    {
        if (!audio.TryGetProperty(dataName, out var data) || data.ValueKind != JsonValueKind.String)
        {
            return Fail($"The audio object has no '{dataName}' string.");
        }

        try
        {
            var bytes = data.GetBytesFromBase64();
            if (bytes.Length % 2 != 0)
            {
                return Fail($"The audio has an odd byte count ({bytes.Length}); PCM16 samples are 2 bytes.");
            }

            return new ParsedOutboundMessage(OutboundMediaKind.AudioData, spelling, bytes, null);
        }
        catch (FormatException)
        {
            return Fail($"'{dataName}' is not valid base64.");
        }
    }

    private static string? UnknownProperty(JsonElement element, HashSet<string> allowed)
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

    private static ParsedOutboundMessage Fail(string error) =>
        new(OutboundMediaKind.Invalid, OutboundMediaSpelling.Invalid, null, error);
}
