using System.Runtime.InteropServices;

namespace DvServerless.Adapters.Tts;

/// <summary>The calls into espeak-ng (<c>libespeak-ng.so.1</c>, Debian package <c>libespeak-ng1</c>).</summary>
internal static unsafe partial class EspeakNative
{
    public const string Library = "libespeak-ng.so.1";

    /// <summary><c>AUDIO_OUTPUT_SYNCHRONOUS</c>: <c>espeak_Synth</c> returns when the callback has had all the audio.</summary>
    public const int OutputSynchronous = 2;

    /// <summary><c>espeakINITIALIZE_DONT_EXIT</c>: without it a missing <c>espeak-ng-data</c> calls <c>exit()</c>.</summary>
    public const int InitializeDontExit = 0x8000;

    /// <summary><c>espeakCHARS_UTF8</c>.</summary>
    public const uint CharsUtf8 = 1;

    /// <summary><c>espeakENDPAUSE</c>: the sentence pause after the last sentence too, as the espeak-ng command has it.</summary>
    public const uint EndPause = 0x1000;

    /// <summary><c>espeakRATE</c>: words per minute, 80–450.</summary>
    public const int ParameterRate = 1;

    /// <summary><c>espeakWORDGAP</c>: pause between words in units of 10 ms.</summary>
    public const int ParameterWordGap = 7;

    /// <summary>Returns the output sample rate (22050 Hz) or a negative error.</summary>
    [LibraryImport(Library, EntryPoint = "espeak_Initialize")]
    public static partial int Initialize(int output, int bufferMs, nint path, int options);

    [LibraryImport(Library, EntryPoint = "espeak_SetSynthCallback")]
    public static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, nint, int> callback);

    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetVoiceByName(string name);

    [LibraryImport(Library, EntryPoint = "espeak_SetParameter")]
    public static partial int SetParameter(int parameter, int value, int relative);

    [LibraryImport(Library, EntryPoint = "espeak_Synth")]
    public static partial int Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, nint uniqueIdentifier, nint userData);
}
