using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Tests.Speech.Offline;

/// <summary>Streams audio through a recognition the way a call loop does (20 ms chunks) and collects its events.</summary>
internal static class RecognitionDriver
{
    public const int ChunkBytes = 640; // 20 ms at 16 kHz

    /// <summary>Sends <paramref name="pcm"/> in 20 ms chunks.</summary>
    public static async Task SendAsync(ISpeechRecognition recognition, byte[] pcm)
    {
        for (var offset = 0; offset < pcm.Length; offset += ChunkBytes)
        {
            await recognition.SendAudioAsync(pcm.AsMemory(offset, Math.Min(ChunkBytes, pcm.Length - offset)), CancellationToken.None);
        }
    }

    /// <summary>Reads every event until the recognition ends (after <see cref="ISpeechRecognition.CompleteAsync"/>).</summary>
    public static async Task<List<SpeechRecognitionEvent>> ReadAllAsync(ISpeechRecognition recognition, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var events = new List<SpeechRecognitionEvent>();
        await foreach (var item in recognition.ReadEventsAsync(cancel.Token))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>Concatenates clips.</summary>
    public static byte[] Join(params byte[][] parts)
    {
        var joined = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(joined, offset);
            offset += part.Length;
        }

        return joined;
    }
}
