using System.Diagnostics.Metrics;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// The voice pipeline's instruments on the meter <c>DvServerless.Voice</c>, under the <c>dvgw_</c> names dashboards
/// already scrape: per-stage latency histograms in milliseconds, transcript, error and cost counters, and active calls.
/// Every measurement carries the labels <c>tenant</c>, <c>channel</c> and <c>engine</c> (see <see cref="CallLabels"/>).
/// </summary>
/// <remarks>
/// The names carry their unit and no OpenTelemetry unit is set, so the Prometheus exporter keeps them as they are
/// (with a unit it would append one); counters are created without <c>_total</c>, which the exporter appends.
/// </remarks>
public sealed class VoiceMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "DvServerless.Voice";

    /// <summary>
    /// Bucket boundaries of the barge-in reaction, ms: the worker's part takes well under a millisecond, so the default
    /// buckets (0, 5, 10, … ms) would say nothing about it.
    /// </summary>
    public static IReadOnlyList<double> BargeInReactionBuckets { get; } =
        [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public VoiceMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        SttLatency = meter.CreateHistogram<double>("dvgw_stt_latency_ms", description: "Caller stopped speaking → the caller's final transcript, ms.");
        LlmTimeToFirstToken = meter.CreateHistogram<double>("dvgw_llm_ttft_ms", description: "Caller stopped speaking → the response's first output, ms.");
        TtsLatency = meter.CreateHistogram<double>("dvgw_tts_latency_ms", description: "The response's first output → its first audio, ms (0 when a speech-to-speech model speaks first).");
        EndToEndLatency = meter.CreateHistogram<double>("dvgw_e2e_latency_ms", description: "Caller stopped speaking → the first agent audio sent to the caller, ms.");
        BargeInReaction = meter.CreateHistogram("dvgw_bargein_reaction_ms", description: "Barge-in signal at the worker → playback stopped at the caller, ms.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BargeInReactionBuckets });
        FirstAudio = meter.CreateHistogram<double>("dvgw_first_audio_ms", description: "Media connected → the first agent audio sent to the caller, ms.");
        Transcripts = meter.CreateCounter<long>("dvgw_transcripts", description: "Final transcript segments of callers and agents.");
        Errors = meter.CreateCounter<long>("dvgw_errors", description: "Errors on calls: engine errors and failed tools.");
        CostUsd = meter.CreateCounter<double>("dvgw_cost_usd", description: "Engine cost of calls in US dollars, at the configured prices.");
        ActiveCalls = meter.CreateUpDownCounter<long>("dvgw_active_calls", description: "Calls with a running call loop.");
    }

    /// <summary><c>dvgw_stt_latency_ms</c>.</summary>
    public Histogram<double> SttLatency { get; }

    /// <summary><c>dvgw_llm_ttft_ms</c>.</summary>
    public Histogram<double> LlmTimeToFirstToken { get; }

    /// <summary><c>dvgw_tts_latency_ms</c>.</summary>
    public Histogram<double> TtsLatency { get; }

    /// <summary><c>dvgw_e2e_latency_ms</c>.</summary>
    public Histogram<double> EndToEndLatency { get; }

    /// <summary><c>dvgw_bargein_reaction_ms</c>.</summary>
    public Histogram<double> BargeInReaction { get; }

    /// <summary><c>dvgw_first_audio_ms</c>.</summary>
    public Histogram<double> FirstAudio { get; }

    /// <summary><c>dvgw_transcripts_total</c>.</summary>
    public Counter<long> Transcripts { get; }

    /// <summary><c>dvgw_errors_total</c>.</summary>
    public Counter<long> Errors { get; }

    /// <summary><c>dvgw_cost_usd_total</c>.</summary>
    public Counter<double> CostUsd { get; }

    /// <summary><c>dvgw_active_calls</c>.</summary>
    public UpDownCounter<long> ActiveCalls { get; }
}
