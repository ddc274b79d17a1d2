using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>A greeting ready to play: what it says (for the call record) and its PCM16 mono audio.</summary>
/// <param name="Text">The spoken text.</param>
/// <param name="Pcm">PCM16 little-endian mono in <paramref name="Format"/>.</param>
/// <param name="Format">The audio format (the leg's).</param>
public sealed record GreetingAudio(string Text, byte[] Pcm, AudioFormat Format);
