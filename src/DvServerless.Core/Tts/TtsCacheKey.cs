using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DvServerless.Core.Audio;

namespace DvServerless.Core.Tts;

/// <summary>
/// The cache key of a synthesized prompt: lowercase SHA-256 hex of provider, voice, model, canonical options,
/// normalized text and output format. Anything that changes the audio changes the key; whitespace and Unicode
/// normalization differences in the text do not.
/// </summary>
public static class TtsCacheKey
{
    /// <summary>The key of <paramref name="request"/> spoken by <paramref name="provider"/> (model defaulted to <paramref name="defaultModel"/>).</summary>
    public static string Compute(string provider, TtsRequest request, string defaultModel = "")
    {
        ArgumentNullException.ThrowIfNull(request);
        return Compute(provider, request.Voice, request.Model ?? defaultModel, request.EffectiveOptions, request.Text, request.OutputFormat);
    }

    /// <summary>The key of the given parts.</summary>
    public static string Compute(string provider, string voice, string model, TtsVoiceOptions options, string text, AudioFormat outputFormat)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Fields are length-prefixed so that no two different tuples can produce the same byte string.
        var material = new StringBuilder();
        foreach (var part in new[]
                 {
                     "v1",
                     provider.Trim().ToLowerInvariant(),
                     voice.Trim(),
                     model.Trim(),
                     options.ToCanonicalString(),
                     NormalizeText(text),
                     string.Create(CultureInfo.InvariantCulture, $"{outputFormat.Encoding}/{outputFormat.SampleRate}"),
                 })
        {
            material.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString())));
    }

    /// <summary>Trims, collapses every run of whitespace to one space, and normalizes to Unicode NFC.</summary>
    public static string NormalizeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collapsed = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in ComposeHangul(Normalize(text)))
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = collapsed.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                collapsed.Append(' ');
                pendingSpace = false;
            }

            collapsed.Append(c);
        }

        return collapsed.ToString();
    }

    private static string Normalize(string text)
    {
        // The repository builds with InvariantGlobalization, where the platform NFC may leave text unchanged; the
        // Hangul composition below covers Korean prompts (conjoining jamo from some input methods) either way.
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (PlatformNotSupportedException)
        {
            return text;
        }
    }

    private static string ComposeHangul(string text)
    {
        // Unicode's algorithmic Hangul composition (L + V [+ T] → LV/LVT syllable), part of NFC.
        const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28;
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (result.Length > 0)
            {
                var last = result[^1];
                int l = last - LBase, v = c - VBase, s = last - SBase, t = c - TBase;
                if (l is >= 0 and < LCount && v is >= 0 and < VCount)
                {
                    result[^1] = (char)(SBase + ((l * VCount) + v) * TCount);
                    continue;
                }

                if (s is >= 0 and < LCount * VCount * TCount && s % TCount == 0 && t is > 0 and < TCount)
                {
                    result[^1] = (char)(last + t);
                    continue;
                }
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
