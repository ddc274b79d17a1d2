using System.Runtime.CompilerServices;
using DvServerless.Core.Tts;

namespace DvServerless.Testing.Cascaded;

/// <summary>
/// A streaming text-to-speech with a fixed speaking rate: each request yields <see cref="MillisecondsPerCharacter"/> ms
/// of audio per character in 100 ms chunks, every byte the request's number (1, 2, …) so tests tell pieces apart. It
/// keeps the requests and can hold a stream after its first chunk to show a cancellation arriving.
/// </summary>
public sealed class FakeStreamingTextToSpeech(string provider = "fake-tts") : IStreamingTextToSpeech
{
    private readonly List<TtsRequest> _requests = [];

    public string Provider { get; } = provider;

    public string DefaultModel => "fake-tts-1";

    /// <summary>Audio per character of text.</summary>
    public int MillisecondsPerCharacter { get; init; } = 10;

    /// <summary>When set, every stream waits for it after its first chunk.</summary>
    public Task? HoldAfterFirstChunk { get; set; }

    /// <summary>When set, every request fails with it before any audio.</summary>
    public Exception? FailWith { get; set; }

    /// <summary>Completes when a stream's cancellation token fired while it was held.</summary>
    public TaskCompletionSource CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every request, oldest first.</summary>
    public IReadOnlyList<TtsRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The bytes of audio a text of <paramref name="characters"/> characters yields at 16 kHz.</summary>
    public int AudioBytes(int characters, int bytesPerMillisecond = 32) => characters * MillisecondsPerCharacter * bytesPerMillisecond;

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(TtsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        byte fill;
        lock (_requests)
        {
            _requests.Add(request);
            fill = (byte)_requests.Count;
        }

        if (FailWith is { } failure)
        {
            throw failure;
        }

        var total = request.Text.Length * MillisecondsPerCharacter * request.OutputFormat.BytesPerMillisecond;
        var chunk = 100 * request.OutputFormat.BytesPerMillisecond;
        for (var sent = 0; sent < total; sent += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var audio = new byte[Math.Min(chunk, total - sent)];
            audio.AsSpan().Fill(fill);
            yield return audio;
            if (sent == 0 && HoldAfterFirstChunk is { } hold)
            {
                try
                {
                    await hold.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    CancellationObserved.TrySetResult();
                    throw;
                }
            }
        }
    }

    public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
    {
        var audio = new List<byte>();
        await foreach (var chunk in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            audio.AddRange(chunk.Span);
        }

        return audio.ToArray();
    }
}
