using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Tts;

public sealed class BlobTtsCacheTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobTtsCacheTests(AzuriteFixture azurite) => _azurite = azurite;

    private sealed class CountingTts : ITextToSpeech
    {
        public int Calls;
        public string Provider => "fake";
        public string DefaultModel => "m";

        public async Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(100, cancellationToken);
            return new byte[] { 1, 2, 3, 4 };
        }
    }

    private BlobTtsCache Create(FakeTimeProvider time, TtsCachePolicy? policy = null) =>
        new(new BlobContainerClient(_azurite.Require(), "tts-" + Guid.NewGuid().ToString("N")[..12]), policy ?? new TtsCachePolicy(), time, NullLogger<BlobTtsCache>.Instance);

    [SkippableFact]
    public async Task Ten_concurrent_misses_synthesize_once()
    {
        var cache = Create(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));
        var tts = new CountingTts();
        var request = new TtsRequest("Hello", "v", AudioFormat.Pcm24k);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => cache.GetOrSynthesizeAsync("tenant-a", tts, request))));

        Assert.Equal(1, tts.Calls);
        Assert.All(results, r => Assert.Equal(new byte[] { 1, 2, 3, 4 }, r.Pcm));
        var again = await cache.GetOrSynthesizeAsync("tenant-a", tts, request);
        Assert.True(again.Hit);
        var stats = await cache.GetStatisticsAsync("tenant-a");
        Assert.Equal(1, stats.Misses);
        // The call above hit; so may any of the ten that read the entry after it was written (timing-dependent).
        Assert.True(stats.Hits >= 1, $"hits: {stats.Hits}");
        Assert.Equal(1, stats.Entries);
    }

    [SkippableFact]
    public async Task Entries_expire_after_the_ttl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var cache = Create(time);
        var tts = new CountingTts();
        var request = new TtsRequest("Bye", "v", AudioFormat.Pcm24k);
        await cache.GetOrSynthesizeAsync("t", tts, request);

        time.Advance(TimeSpan.FromDays(6));
        Assert.True((await cache.GetOrSynthesizeAsync("t", tts, request)).Hit);
        time.Advance(TimeSpan.FromDays(1.5));
        Assert.False(await cache.IsFreshAsync("t", tts, request));
        Assert.False((await cache.GetOrSynthesizeAsync("t", tts, request)).Hit);
        Assert.Equal(2, tts.Calls);
    }

    [SkippableFact]
    public async Task Least_recently_used_entry_is_evicted_beyond_the_maximum()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var cache = Create(time, new TtsCachePolicy { MaxEntries = 2 });
        var tts = new CountingTts();
        TtsRequest R(string text) => new(text, "v", AudioFormat.Pcm24k);

        await cache.GetOrSynthesizeAsync("t", tts, R("a"));
        time.Advance(TimeSpan.FromHours(1));
        await cache.GetOrSynthesizeAsync("t", tts, R("b"));
        time.Advance(TimeSpan.FromHours(1));
        await cache.GetOrSynthesizeAsync("t", tts, R("a")); // a is now more recent than b
        time.Advance(TimeSpan.FromHours(1));
        await cache.GetOrSynthesizeAsync("t", tts, R("c")); // evicts b

        Assert.True(await cache.IsFreshAsync("t", tts, R("a")));
        Assert.False(await cache.IsFreshAsync("t", tts, R("b")));
        Assert.True(await cache.IsFreshAsync("t", tts, R("c")));
        Assert.Equal(1, (await cache.GetStatisticsAsync("t")).Evictions);
    }
}
