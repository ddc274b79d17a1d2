using System.Buffers;
using System.Text.Json;
using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Speech.OpenAI;

/// <summary>
/// Writes the client events of a GA transcription session into one reused buffer: <c>session.update</c> with
/// <c>session.type: "transcription"</c>, <c>input_audio_buffer.append</c> (base64 written straight from the caller's
/// memory) and <c>input_audio_buffer.commit</c>. Not thread-safe: the owner serializes writes and sends.
/// </summary>
internal sealed class RealtimeTranscriptionFrames : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(8 * 1024);
    private readonly Utf8JsonWriter _json;

    public RealtimeTranscriptionFrames() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>The last frame written.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    /// <summary>
    /// The session configuration: PCM 24 kHz input, the transcription model with the language (ISO-639-1) and the
    /// boosted words (<c>keywords</c> where the model takes them, else a <c>prompt</c>), server VAD whose silence
    /// duration is the endpointing, optional noise reduction, and logprobs (the confidence of each final).
    /// </summary>
    public void WriteSessionUpdate(string model, SpeechRecognitionOptions options, RealtimeTranscriptionOptions settings)
    {
        Reset();
        _json.WriteStartObject();
        _json.WriteString("type", "session.update");
        _json.WriteStartObject("session");
        _json.WriteString("type", "transcription");
        _json.WriteStartObject("audio");
        _json.WriteStartObject("input");
        _json.WriteStartObject("format");
        _json.WriteString("type", "audio/pcm");
        _json.WriteNumber("rate", 24_000);
        _json.WriteEndObject();
        _json.WriteStartObject("transcription");
        _json.WriteString("model", model);
        if (LanguageCode(options.Language) is { } language)
        {
            _json.WriteString("language", language);
        }

        WriteKeywords(model, options.Keywords);
        _json.WriteEndObject();
        _json.WriteStartObject("turn_detection");
        _json.WriteString("type", "server_vad");
        _json.WriteNumber("threshold", settings.VadThreshold);
        _json.WriteNumber("prefix_padding_ms", settings.PrefixPaddingMs);
        _json.WriteNumber("silence_duration_ms", options.EndpointingMs > 0 ? options.EndpointingMs : 500);
        _json.WriteEndObject();
        if (string.IsNullOrWhiteSpace(settings.NoiseReduction))
        {
            _json.WriteNull("noise_reduction");
        }
        else
        {
            _json.WriteStartObject("noise_reduction");
            _json.WriteString("type", settings.NoiseReduction);
            _json.WriteEndObject();
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteStartArray("include");
        _json.WriteStringValue("item.input_audio_transcription.logprobs");
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary><c>{"type":"input_audio_buffer.append","audio":"…base64…"}</c>.</summary>
    public void WriteAppend(ReadOnlySpan<byte> pcm)
    {
        Reset();
        _json.WriteStartObject();
        _json.WriteString("type", "input_audio_buffer.append");
        _json.WriteBase64String("audio", pcm);
        _json.WriteEndObject();
        _json.Flush();
    }

    /// <summary><c>{"type":"input_audio_buffer.commit"}</c>.</summary>
    public void WriteCommit()
    {
        Reset();
        _json.WriteStartObject();
        _json.WriteString("type", "input_audio_buffer.commit");
        _json.WriteEndObject();
        _json.Flush();
    }

    public void Dispose() => _json.Dispose();

    /// <summary>The ISO-639-1 part of a BCP-47 tag (<c>en-US</c> → <c>en</c>); null when there is none.</summary>
    internal static string? LanguageCode(string? bcp47)
    {
        if (string.IsNullOrWhiteSpace(bcp47))
        {
            return null;
        }

        var primary = bcp47.Split('-', '_')[0].Trim().ToLowerInvariant();
        return primary.Length == 2 ? primary : null;
    }

    private void WriteKeywords(string model, IReadOnlyList<string> keywords)
    {
        var words = keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
        if (words.Count == 0)
        {
            return;
        }

        // Per AudioTranscription in the spec: keywords are for gpt-transcribe and gpt-live-transcribe; whisper-1 and the
        // gpt-4o transcribe models take them as a prompt; the diarize model and gpt-realtime-whisper take no prompt.
        if (model.StartsWith("gpt-transcribe", StringComparison.Ordinal) || model.StartsWith("gpt-live-transcribe", StringComparison.Ordinal))
        {
            _json.WriteStartArray("keywords");
            foreach (var word in words)
            {
                _json.WriteStringValue(word);
            }

            _json.WriteEndArray();
        }
        else if (!model.Contains("diarize", StringComparison.Ordinal) && !model.StartsWith("gpt-realtime-whisper", StringComparison.Ordinal))
        {
            _json.WriteString("prompt", model.StartsWith("whisper", StringComparison.Ordinal)
                ? string.Join(", ", words)
                : "Expect these words: " + string.Join(", ", words) + ".");
        }
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }
}
