using System.Globalization;
using System.Text;
using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>Builds the <c>/v1/listen</c> streaming URL from a recognition's options (Deepgram's query parameters).</summary>
internal static class DeepgramListenQuery
{
    /// <summary>The input format the adapter sends: linear16, 16 kHz, mono.</summary>
    public const int SampleRate = 16_000;

    /// <summary>Deepgram refuses an <c>utterance_end_ms</c> below 1000.</summary>
    private const int MinUtteranceEndMs = 1_000;

    /// <summary>
    /// The URL for <paramref name="options"/>: model, language, interim results, endpointing (ms of silence that ends
    /// speech, giving <c>speech_final</c>), <c>utterance_end_ms</c> (a word-gap backstop that works in noise; only with
    /// interim results), <c>vad_events</c> (SpeechStarted for barge-in), formatting, diarization, profanity filter, the
    /// boosted words (<c>keyterm</c> on Nova-3 and Flux, <c>keywords</c> on older models) and the audio format.
    /// </summary>
    /// <remarks>
    /// No <c>sentiment</c>: Deepgram's sentiment analysis is an audio-intelligence feature of pre-recorded requests, and
    /// the live streaming API gives none, so <see cref="SpeechRecognitionOptions.Sentiment"/> is not sent and the worker
    /// scores caller turns itself (<c>Core.Sentiment.LexiconSentimentScorer</c>).
    /// </remarks>
    public static Uri Build(Uri baseUrl, string model, SpeechRecognitionOptions options)
    {
        var query = new StringBuilder();
        Add(query, "model", model);
        Add(query, "language", options.Language);
        Add(query, "encoding", "linear16");
        Add(query, "sample_rate", SampleRate.ToString(CultureInfo.InvariantCulture));
        Add(query, "channels", "1");
        Add(query, "interim_results", Bool(options.InterimResults));
        Add(query, "endpointing", options.EndpointingMs > 0 ? options.EndpointingMs.ToString(CultureInfo.InvariantCulture) : "false");
        if (options.InterimResults)
        {
            Add(query, "utterance_end_ms", Math.Max(MinUtteranceEndMs, options.EndpointingMs).ToString(CultureInfo.InvariantCulture));
        }

        Add(query, "vad_events", "true");
        Add(query, "smart_format", Bool(options.SmartFormat));
        Add(query, "punctuate", Bool(options.SmartFormat));
        Add(query, "diarize", Bool(options.Diarize));
        Add(query, "profanity_filter", Bool(options.ProfanityFilter));
        var keyterms = UsesKeyterms(model);
        foreach (var keyword in options.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)))
        {
            Add(query, keyterms ? "keyterm" : "keywords", keyword.Trim());
        }

        var builder = new UriBuilder(baseUrl)
        {
            Scheme = baseUrl.Scheme switch { "http" => "ws", "https" => "wss", var other => other },
            Path = baseUrl.AbsolutePath.TrimEnd('/') + "/v1/listen",
            Query = query.ToString(),
        };
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    /// <summary>Nova-3 and Flux take <c>keyterm</c> (prompting); earlier models take <c>keywords</c> (boosting).</summary>
    public static bool UsesKeyterms(string model) =>
        model.StartsWith("nova-3", StringComparison.OrdinalIgnoreCase) || model.StartsWith("flux", StringComparison.OrdinalIgnoreCase);

    private static string Bool(bool value) => value ? "true" : "false";

    private static void Add(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}
