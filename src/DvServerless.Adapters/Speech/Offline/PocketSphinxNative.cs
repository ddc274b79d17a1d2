using System.Runtime.InteropServices;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>
/// The calls into Debian 12's pocketsphinx 5prealpha (<c>libpocketsphinx.so.3</c>) and sphinxbase (<c>libsphinxbase.so.3</c>).
/// </summary>
/// <remarks>
/// This is the old 5prealpha API, not pocketsphinx 5.0's <c>ps_config_*</c>. The configuration is built with
/// <c>cmd_ln_parse_r</c> from an argv-style array because <c>cmd_ln_init</c> is C varargs, which P/Invoke cannot call.
/// The versioned sonames are used because the unversioned links exist only with the <c>-dev</c> packages.
/// </remarks>
internal static partial class PocketSphinxNative
{
    public const string PocketSphinxLibrary = "libpocketsphinx.so.3";
    public const string SphinxBaseLibrary = "libsphinxbase.so.3";

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_args")]
    public static partial nint Args();

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_init")]
    public static partial nint Init(nint config);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_free")]
    public static partial int Free(nint decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_utt")]
    public static partial int StartUtterance(nint decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_process_raw")]
    public static unsafe partial int ProcessRaw(nint decoder, short* samples, nuint sampleCount, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_end_utt")]
    public static partial int EndUtterance(nint decoder);

    /// <summary>The best hypothesis so far (or the final one after <see cref="EndUtterance"/>); the decoder owns the string.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_hyp")]
    public static partial nint GetHypothesis(nint decoder, out int bestScore);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_jsgf_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetJsgfString(nint decoder, string name, string grammar);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_search", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetSearch(nint decoder, string name);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_parse_r")]
    public static partial nint ParseCommandLine(nint previous, nint definitions, int argc, nint[] argv, int strict);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_free_r")]
    public static partial int FreeCommandLine(nint config);

    /// <summary>Redirects sphinxbase's process-wide log; <c>NULL</c> turns it off.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "err_set_logfp")]
    public static partial void SetLogFile(nint file);
}
