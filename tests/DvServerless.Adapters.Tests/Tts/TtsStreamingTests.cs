using System.Text.Json;
using DvServerless.Adapters.Tests.Fakes;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Tts;

/// <summary>
/// Streaming TTS against local stand-ins of ElevenLabs and OpenAI that send chunked PCM: the request has the published
/// shape, chunks reach the caller while the response is still open, every chunk is whole samples, the audio is exact
/// (or resampled to the leg's rate), and cancelling aborts the HTTP request. The client is the app's own factory client
/// with its resilience pipeline, so the test also shows that pipeline does not buffer the body.
/// </summary>
public sealed class TtsStreamingTests
{
    [Fact]
    public async Task ElevenLabs_hands_on_chunks_as_they_arrive_in_whole_samples()
    {
        var first = Pcm(3_201, seed: 1);
        var second = Pcm(1_599, seed: 2);
        var firstChunkSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "audio/pcm";
            await WriteAsync(context, first);
            // Only once the caller holds audio does the rest follow: a buffering client would wait here forever.
            await firstChunkSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await WriteAsync(context, second);
        });
        using var services = Services();
        var tts = new ElevenLabsTextToSpeech(services.Client(TtsServiceCollectionExtensions.ElevenLabsTtsHttpClientName),
            Options.Create(new ElevenLabsOptions { ApiKey = "xi-test", BaseUrl = server.BaseUrl }));

        var chunks = await CollectAsync(tts.StreamAsync(new TtsRequest("Hello there.", "voice123", AudioFormat.Pcm16k,
            Options: new TtsVoiceOptions { Stability = 0.3, Speed = 1.1 })), firstChunkSeen);

        Assert.All(chunks, c => Assert.True(c.Length % 2 == 0, $"odd chunk of {c.Length} bytes"));
        Assert.True(chunks.Count >= 2);
        // 3,201 + 1,599 bytes = 2,400 whole samples, byte for byte.
        Assert.Equal(first.Concat(second).ToArray(), chunks.SelectMany(c => c).ToArray());
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/text-to-speech/voice123/stream?output_format=pcm_16000", request.PathAndQuery);
        Assert.Equal("xi-test", request.Headers["xi-api-key"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("Hello there.", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("eleven_multilingual_v2", body.RootElement.GetProperty("model_id").GetString());
        Assert.Equal(0.3, body.RootElement.GetProperty("voice_settings").GetProperty("stability").GetDouble());
        Assert.Equal(1.1, body.RootElement.GetProperty("voice_settings").GetProperty("speed").GetDouble());
    }

    [Fact]
    public async Task OpenAI_streams_24k_pcm_resampled_chunk_by_chunk_to_the_leg_rate()
    {
        // 100 ms of a 440 Hz tone at 24 kHz, sent in three uneven pieces.
        var tone = Tone(24_000, 2_400);
        var firstChunkSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            await WriteAsync(context, tone[..1_441]);
            await firstChunkSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await WriteAsync(context, tone[1_441..3_000]);
            await WriteAsync(context, tone[3_000..]);
        });
        using var services = Services();
        var tts = new OpenAITextToSpeech(services.Client(TtsServiceCollectionExtensions.OpenAITtsHttpClientName),
            Options.Create(new OpenAITtsOptions { ApiKey = "sk-test", BaseUrl = server.BaseUrl }));

        var chunks = await CollectAsync(tts.StreamAsync(new TtsRequest("Hi", "marin", AudioFormat.Pcm16k)), firstChunkSeen);

        Assert.All(chunks, c => Assert.True(c.Length % 2 == 0, $"odd chunk of {c.Length} bytes"));
        var streamed = chunks.SelectMany(c => c).ToArray();
        // The stateful resampler gives the same samples streamed as whole: 2,400 samples at 24 kHz → 1,600 at 16 kHz.
        Assert.Equal(DvServerless.Core.Audio.PcmResampler.Convert(tone, 24_000, 16_000), streamed);
        Assert.Equal(3_200, streamed.Length);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/audio/speech", request.PathAndQuery);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("pcm", body.RootElement.GetProperty("response_format").GetString());
        Assert.Equal("gpt-4o-mini-tts", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("marin", body.RootElement.GetProperty("voice").GetString());
        Assert.Equal("Hi", body.RootElement.GetProperty("input").GetString());
    }

    [Fact]
    public async Task Synthesize_and_stream_share_one_request_and_give_the_same_audio()
    {
        var tone = Tone(24_000, 4_800);
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            await WriteAsync(context, tone[..5_000]);
            await WriteAsync(context, tone[5_000..]);
        });
        using var services = Services();
        var tts = new OpenAITextToSpeech(services.Client(TtsServiceCollectionExtensions.OpenAITtsHttpClientName),
            Options.Create(new OpenAITtsOptions { ApiKey = "sk-test", BaseUrl = server.BaseUrl }));
        var request = new TtsRequest("Same words.", "marin", AudioFormat.Pcm24k);

        var whole = await tts.SynthesizeAsync(request);
        var streamed = (await CollectAsync(tts.StreamAsync(request), null)).SelectMany(c => c).ToArray();

        Assert.Equal(tone, whole);
        Assert.Equal(tone, streamed);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public async Task Cancelling_a_stream_aborts_the_provider_request()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async (context, _) =>
        {
            await WriteAsync(context, Pcm(960, seed: 3));
            // The provider would go on generating; only the client's abort ends this.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var services = Services();
        var tts = new ElevenLabsTextToSpeech(services.Client(TtsServiceCollectionExtensions.ElevenLabsTtsHttpClientName),
            Options.Create(new ElevenLabsOptions { ApiKey = "xi-test", BaseUrl = server.BaseUrl }));
        using var cancel = new CancellationTokenSource();

        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in tts.StreamAsync(new TtsRequest("A long answer.", "voice123", AudioFormat.Pcm24k), cancel.Token))
            {
                received += chunk.Length;
                await cancel.CancelAsync();
            }
        });

        Assert.Equal(960, received);
        await server.Aborted.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_refused_stream_fails_with_the_provider_status()
    {
        await using var server = await LoopbackHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        using var services = Services();
        var tts = new OpenAITextToSpeech(services.Client(TtsServiceCollectionExtensions.OpenAITtsHttpClientName),
            Options.Create(new OpenAITtsOptions { ApiKey = "sk-wrong", BaseUrl = server.BaseUrl }));

        var error = await Assert.ThrowsAsync<TextToSpeechException>(async () =>
        {
            await foreach (var _ in tts.StreamAsync(new TtsRequest("Hi", "marin", AudioFormat.Pcm24k)))
            {
            }
        });

        Assert.Equal(401, error.StatusCode);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddProviderHttpClient(TtsServiceCollectionExtensions.ElevenLabsTtsHttpClientName, retryUnsafeMethods: true);
        services.AddProviderHttpClient(TtsServiceCollectionExtensions.OpenAITtsHttpClientName, retryUnsafeMethods: true);
        return services.BuildServiceProvider();
    }

    private static async Task<List<byte[]>> CollectAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> stream, TaskCompletionSource? firstChunkSeen)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var chunks = new List<byte[]>();
        await foreach (var chunk in stream.WithCancellation(timeout.Token))
        {
            chunks.Add(chunk.ToArray());
            firstChunkSeen?.TrySetResult();
        }

        return chunks;
    }

    private static async Task WriteAsync(HttpContext context, byte[] bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static byte[] Pcm(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Tone(int rate, int samples)
    {
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(8_000 * Math.Sin(2 * Math.PI * 440 * i / rate));
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }
}

/// <summary>Creating the named factory clients in tests.</summary>
internal static class ServiceProviderHttpExtensions
{
    public static HttpClient Client(this IServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
