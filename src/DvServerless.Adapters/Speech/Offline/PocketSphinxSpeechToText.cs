using System.Runtime.InteropServices;
using DvServerless.Core.Audio;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// Offline speech-to-text with CMU pocketsphinx in the process (Debian 12's <c>libpocketsphinx3</c> and
/// <c>pocketsphinx-en-us</c>): no network, no key. Open vocabulary with the generic US-English language model by
/// default, so the caller's own words come back; a JSGF grammar can be configured instead for a closed set of phrases.
/// </summary>
/// <remarks>
/// Measured on flite speech streamed in 20 ms chunks: about 6–9 % word error rate and a real-time factor of 0.1–0.25
/// on one core with the language model (OFFLINE-SPEECH.md §3.1). Each recognition holds one decoder; decoders are pooled
/// (<see cref="PocketSphinxOptions.MaxIdleDecoders"/>) because loading one takes ≈ 0.26 s and 70–80 MiB.
/// </remarks>
public sealed class PocketSphinxSpeechToText : ISpeechToText, IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly PocketSphinxDecoderPool _pool;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service; no model is loaded until the first recognition or <see cref="WarmUpAsync"/>.</summary>
    public PocketSphinxSpeechToText(IOptions<PocketSphinxOptions> options, TimeProvider time, ILogger<PocketSphinxSpeechToText>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _time = time;
        _logger = logger ?? NullLogger<PocketSphinxSpeechToText>.Instance;
        _pool = new PocketSphinxDecoderPool(_options.ResolvePaths(), _options.MaxIdleDecoders, time);
    }

    /// <inheritdoc />
    public string Provider => "pocketsphinx";

    /// <inheritdoc />
    public AudioFormat InputFormat => AudioFormat.Pcm16k;

    /// <summary>Whether the pocketsphinx libraries and the Debian US-English models are installed.</summary>
    public static bool IsAvailable => MissingPart(new PocketSphinxOptions()) is null;

    /// <summary>How long loading the last decoder took (≈ 0.26 s with the language model).</summary>
    public TimeSpan LastDecoderLoadTime => _pool.LastLoadDuration;

    /// <summary>The CPU time loading the last decoder took, when the platform can tell.</summary>
    public TimeSpan? LastDecoderLoadCpuTime => _pool.LastLoadCpuDuration;

    /// <summary>What is missing for <paramref name="options"/> (a library or a model file), or null when all is there.</summary>
    public static string? MissingPart(PocketSphinxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var library in new[] { PocketSphinxNative.PocketSphinxLibrary, PocketSphinxNative.SphinxBaseLibrary })
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                return $"{library} (apt-get install libpocketsphinx3 libsphinxbase3)";
            }

            NativeLibrary.Free(handle);
        }

        var paths = options.ResolvePaths();
        if (!Directory.Exists(paths.AcousticModel))
        {
            return $"the acoustic model {paths.AcousticModel} (apt-get install pocketsphinx-en-us)";
        }

        if (!File.Exists(paths.Dictionary))
        {
            return $"the dictionary {paths.Dictionary}";
        }

        return paths.Grammar is null && !File.Exists(paths.LanguageModel) ? $"the language model {paths.LanguageModel}" : null;
    }

    /// <summary>Loads decoders ahead of the first calls (at start-up), so the first caller does not wait for the models.</summary>
    public async Task WarmUpAsync(int decoders, CancellationToken cancellationToken)
    {
        try
        {
            await _pool.WarmUpAsync(decoders, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            OfflineSpeechLog.WarmUpFailed(_logger, ex.Message);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Uses <see cref="SpeechRecognitionOptions.EndpointingMs"/> (the VAD hangover that ends a turn) and
    /// <see cref="SpeechRecognitionOptions.InterimResults"/>; the model is US English whatever the language asked for, and
    /// keywords, formatting, diarization, profanity filtering and sentiment are not offered offline.
    /// </remarks>
    public async Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (MissingPart(_options) is { } missing)
        {
            throw new SpeechToTextException(Provider, $"Offline speech recognition needs {missing}.");
        }

        var idle = _pool.IdleCount;
        PocketSphinxDecoder decoder;
        try
        {
            decoder = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new SpeechToTextException(Provider, ex.Message, ex);
        }

        if (idle == 0)
        {
            OfflineSpeechLog.DecoderLoaded(_logger, _pool.LastLoadDuration.TotalMilliseconds, _options.ResolvePaths().Grammar is null ? "language model" : "grammar");
        }

        OfflineSpeechLog.RecognitionStarted(_logger, options.CallId);
        return new PocketSphinxRecognition(decoder, _pool, _options, options, _time, _logger);
    }

    /// <summary>Frees the idle decoders.</summary>
    public void Dispose() => _pool.Dispose();
}
