using System.Collections.Concurrent;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The agent's encoded audio per reply, kept once made: synthesis is deterministic (the same text, length, rate and
/// format give the same bytes), and a load run speaks the same reply on every call, each one costing seconds of audio
/// in doubles before. Holds the last few dozen replies; the bytes are shared and never written to.
/// </summary>
internal static class AgentSpeechAudio
{
    private const int Capacity = 64;
    private static readonly ConcurrentDictionary<(string Text, double DurationMs, int Rate, string Format), byte[]> Made = new();

    /// <summary>The audio of <paramref name="text"/>, made by <paramref name="make"/> the first time.</summary>
    public static byte[] Get(string text, double durationMs, int rate, string format, Func<string, double, int, string, byte[]> make)
    {
        var key = (text, durationMs, rate, format);
        if (Made.TryGetValue(key, out var audio))
        {
            return audio;
        }

        audio = make(text, durationMs, rate, format);
        if (Made.Count >= Capacity)
        {
            // Replies a session makes up on the spot (tool results, long instructions) would grow this without end.
            Made.Clear();
        }

        Made[key] = audio;
        return audio;
    }
}
