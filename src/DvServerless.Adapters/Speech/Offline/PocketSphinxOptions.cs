using System.ComponentModel.DataAnnotations;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// Settings of the offline recognizer (configuration section <c>Speech:Offline</c>). The defaults are the paths of
/// Debian 12's <c>pocketsphinx-en-us</c> package and the generic US-English language model (open vocabulary).
/// </summary>
public sealed class PocketSphinxOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Speech:Offline";

    /// <summary>Where <c>pocketsphinx-en-us</c> installs the US-English models.</summary>
    public const string DebianModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>The folder holding the acoustic model, language model and dictionary.</summary>
    [Required]
    public string ModelDirectory { get; set; } = DebianModelDirectory;

    /// <summary>The acoustic model folder; null for <c>{ModelDirectory}/en-us</c>.</summary>
    public string? AcousticModelPath { get; set; }

    /// <summary>The n-gram language model; null for <c>{ModelDirectory}/en-us.lm.bin</c>.</summary>
    public string? LanguageModelPath { get; set; }

    /// <summary>The pronunciation dictionary; null for <c>{ModelDirectory}/cmudict-en-us.dict</c>.</summary>
    public string? DictionaryPath { get; set; }

    /// <summary>
    /// A JSGF grammar text that replaces the language model: recognition is then limited to its phrases (fast, exact
    /// on in-grammar speech, but out-of-grammar speech is forced onto some phrase). Null for open vocabulary.
    /// </summary>
    public string? Grammar { get; set; }

    /// <summary>Frames at or above this RMS level (dBFS) count as speech for the energy VAD.</summary>
    [Range(-90, 0)]
    public double VadThresholdDbfs { get; set; } = -40;

    /// <summary>Loud audio needed before the VAD reports speech, in ms (keeps clicks from starting a turn).</summary>
    [Range(0, 1000)]
    public int MinSpeechMs { get; set; } = 60;

    /// <summary>Audio before the VAD's onset that is decoded with the utterance, in ms (the first phoneme's start).</summary>
    [Range(0, 2000)]
    public int PreRollMs { get; set; } = 300;

    /// <summary>Audio between two interim hypotheses, in ms.</summary>
    [Range(20, 10_000)]
    public int PartialIntervalMs { get; set; } = 200;

    /// <summary>
    /// Speech longer than this without a pause is cut into segments (a final with <c>EndOfTurn</c> false), so one
    /// monologue does not grow the decoder's search without bound, in ms.
    /// </summary>
    [Range(1000, 300_000)]
    public int MaxSegmentMs { get; set; } = 20_000;

    /// <summary>Decoders kept loaded for the next call (each holds 70–80 MiB with the language model).</summary>
    [Range(0, 64)]
    public int MaxIdleDecoders { get; set; } = 2;

    /// <summary>The resolved model files.</summary>
    internal PocketSphinxModelPaths ResolvePaths() => new(
        AcousticModelPath ?? Path.Combine(ModelDirectory, "en-us"),
        DictionaryPath ?? Path.Combine(ModelDirectory, "cmudict-en-us.dict"),
        LanguageModelPath ?? Path.Combine(ModelDirectory, "en-us.lm.bin"),
        string.IsNullOrWhiteSpace(Grammar) ? null : Grammar);
}
