namespace DvServerless.Core.Engines;

/// <summary>The engine names <see cref="AgentOptions.Engine"/> takes.</summary>
public static class EngineKinds
{
    /// <summary>OpenAI / Azure OpenAI Realtime speech-to-speech (the Realtime simulator without a key).</summary>
    public const string Realtime = "realtime";

    /// <summary>Speech-to-text → language model → text-to-speech, each from a configured provider.</summary>
    public const string Cascaded = "cascaded";

    /// <summary>The cascaded engine on local parts: VAD + pocketsphinx, a rule-based responder, espeak-ng.</summary>
    public const string Offline = "offline";

    /// <summary>Every engine name, for validation and help text.</summary>
    public static IReadOnlyList<string> All { get; } = [Realtime, Cascaded, Offline];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="All"/> (case-insensitive).</summary>
    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.OrdinalIgnoreCase);
}
