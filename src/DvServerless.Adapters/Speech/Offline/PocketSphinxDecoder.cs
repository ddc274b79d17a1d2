using System.Runtime.InteropServices;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// One pocketsphinx decoder (<c>ps_decoder_t</c>): single-threaded state that decodes one utterance at a time. Each
/// decoder loads its own copy of the models (70–80 MiB with the generic language model), so they are pooled rather than
/// made per turn.
/// </summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    /// <summary>The name the optional JSGF grammar search is registered under.</summary>
    public const string GrammarSearch = "grammar";

    // ps_init reopens sphinxbase's process-wide log stream; two inits on two threads deadlocked in glibc (fclose vs
    // fopen) in the measurements of OFFLINE-SPEECH.md §3.3. The log is switched off once and inits are serialized.
    private static readonly Lock InitGate = new();
    private static bool s_logSilenced;

    private nint _handle;

    private PocketSphinxDecoder(nint handle)
    {
        _handle = handle;
    }

    /// <summary>True between <see cref="StartUtterance"/> and <see cref="EndUtterance"/>.</summary>
    public bool InUtterance { get; private set; }

    /// <summary>Loads the models (≈ 0.26 s with the generic language model): call it off the audio path.</summary>
    /// <exception cref="InvalidOperationException">pocketsphinx refused the configuration or a model file.</exception>
    public static PocketSphinxDecoder Create(PocketSphinxModelPaths model)
    {
        ArgumentNullException.ThrowIfNull(model);
        List<string> arguments = ["pocketsphinx", "-hmm", model.AcousticModel, "-dict", model.Dictionary];
        if (model.Grammar is null)
        {
            arguments.AddRange(["-lm", model.LanguageModel]);
        }

        lock (InitGate)
        {
            if (!s_logSilenced)
            {
                PocketSphinxNative.SetLogFile(0);
                s_logSilenced = true;
            }

            var config = ParseArguments(arguments);
            // ps_init keeps its own reference to the configuration, so ours is released either way.
            var handle = PocketSphinxNative.Init(config);
            _ = PocketSphinxNative.FreeCommandLine(config);
            if (handle == 0)
            {
                throw new InvalidOperationException($"pocketsphinx could not load the models under {model.AcousticModel}.");
            }

            var decoder = new PocketSphinxDecoder(handle);
            if (model.Grammar is not null
                && (PocketSphinxNative.SetJsgfString(handle, GrammarSearch, model.Grammar) != 0
                    || PocketSphinxNative.SetSearch(handle, GrammarSearch) != 0))
            {
                decoder.Dispose();
                throw new InvalidOperationException("pocketsphinx refused the JSGF grammar (check its syntax and that every word is in the dictionary).");
            }

            return decoder;
        }
    }

    /// <summary>Starts an utterance.</summary>
    public void StartUtterance()
    {
        Check(PocketSphinxNative.StartUtterance(Handle), "ps_start_utt");
        InUtterance = true;
    }

    /// <summary>Decodes 16 kHz mono samples of the utterance in progress.</summary>
    public unsafe void Process(ReadOnlySpan<short> samples)
    {
        fixed (short* pointer = samples)
        {
            var result = PocketSphinxNative.ProcessRaw(Handle, pointer, (nuint)samples.Length, 0, 0);
            if (result < 0)
            {
                throw new InvalidOperationException($"ps_process_raw failed ({result}).");
            }
        }
    }

    /// <summary>The best hypothesis of the utterance so far, or the final one after <see cref="EndUtterance"/>.</summary>
    public string Hypothesis()
    {
        var text = PocketSphinxNative.GetHypothesis(Handle, out _);
        return text == 0 ? string.Empty : Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }

    /// <summary>Ends the utterance (with the language model: the second, more accurate pass runs here).</summary>
    public void EndUtterance()
    {
        InUtterance = false;
        Check(PocketSphinxNative.EndUtterance(Handle), "ps_end_utt");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0)
        {
            _ = PocketSphinxNative.Free(handle);
        }
    }

    private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(PocketSphinxDecoder));

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"{call} failed ({result}).");
        }
    }

    private static nint ParseArguments(List<string> arguments)
    {
        var argv = new nint[arguments.Count];
        try
        {
            for (var i = 0; i < argv.Length; i++)
            {
                argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }

            // cmd_ln_parse_r skips argv[0] like a program name and copies the values it keeps.
            var config = PocketSphinxNative.ParseCommandLine(0, PocketSphinxNative.Args(), argv.Length, argv, 1);
            return config != 0 ? config : throw new InvalidOperationException("pocketsphinx refused its arguments.");
        }
        finally
        {
            foreach (var pointer in argv)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }
}
