namespace DvServerless.Core.Voices;

/// <summary>The built-in voice catalogues.</summary>
public static class VoiceCatalog
{
    /// <summary>The voices of OpenAI's speech API (<c>/v1/audio/speech</c>) and Realtime; marin and cedar are the newest.</summary>
    public static IReadOnlyList<CatalogVoice> OpenAI { get; } =
        new[] { "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar" }
            .Select(v => new CatalogVoice("openai", v, char.ToUpperInvariant(v[0]) + v[1..]))
            .ToArray();

    /// <summary>
    /// Korean voices of the ElevenLabs shared voice library. The ids are those public projects use for these voices;
    /// shared-library voices can be withdrawn by their owners, so the live list (<c>GET /v1/voices</c>) is authoritative.
    /// </summary>
    public static IReadOnlyList<CatalogVoice> ElevenLabsKorean { get; } =
    [
        new("elevenlabs", "ZJCNdZEjYwkOElxugmW2", "Hyuk", "ko", "male", SharedLibraryNote),
        new("elevenlabs", "uyVNoMrnUku1dZyVEXwD", "Anna Kim", "ko", "female", SharedLibraryNote),
        new("elevenlabs", "ksaI0TCD9BstzEzlxj4q", "Seulki", "ko", "female", SharedLibraryNote),
        new("elevenlabs", "z6Kj0hecH20CdetSElRT", "Jennie", "ko", "female", SharedLibraryNote),
        new("elevenlabs", "jB1Cifc2UQbq1gR3wnb0", "Bin", "ko", "male", SharedLibraryNote),
    ];

    /// <summary>The offline espeak-ng voices used when no provider key is set.</summary>
    public static IReadOnlyList<CatalogVoice> Espeak { get; } =
    [
        new("espeak", "en-us", "English (US)", "en-US", Note: "offline, robotic"),
        new("espeak", "ko", "Korean", "ko", Note: "offline, robotic"),
    ];

    private const string SharedLibraryNote = "ElevenLabs shared voice library; add it to the account's voices before use.";
}
