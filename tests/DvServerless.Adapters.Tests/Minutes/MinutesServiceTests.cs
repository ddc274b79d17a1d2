using Azure.Storage.Blobs;
using DvServerless.Adapters.Minutes;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.Tests.Minutes;

public sealed class MinutesServiceTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public MinutesServiceTests(AzuriteFixture azurite) => _azurite = azurite;

    private sealed class CountingSummarizer : IMinutesSummarizer
    {
        public int Calls;

        public Task<MinutesDocument> SummarizeAsync(MinutesDocument document, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(document);
        }
    }

    [SkippableFact]
    public async Task Duplicated_end_events_render_once_and_minutes_read_back_with_content_type()
    {
        var connection = _azurite.Require();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var records = new BlobCallRecordSink(new BlobContainerClient(connection, "tr-" + suffix), NullLogger<BlobCallRecordSink>.Instance);
        var summarizer = new CountingSummarizer();
        var service = new MinutesService(records, new BlobMinutesStore(new BlobContainerClient(connection, "mn-" + suffix)), summarizer, TimeProvider.System, NullLogger<MinutesService>.Instance);
        var callId = "call-" + suffix;
        await records.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Hello", StartMs = 1000, EndMs = 2000, At = DateTimeOffset.UtcNow });

        Assert.Null(await service.GetAsync(callId, MinutesFormat.Srt));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => service.RenderOnceAsync(new MinutesCallInfo(callId, "t")))));

        Assert.Equal(1, outcomes.Count(o => o == MinutesRenderOutcome.Rendered));
        Assert.Equal(1, summarizer.Calls);
        var srt = await service.GetAsync(callId, MinutesFormat.Srt);
        Assert.NotNull(srt);
        Assert.Equal("application/x-subrip; charset=utf-8", srt.ContentType);
        Assert.Equal("1\n00:00:01,000 --> 00:00:02,000\ncaller: Hello\n", System.Text.Encoding.UTF8.GetString(srt.Content));
        Assert.Equal(MinutesRenderOutcome.AlreadyRendered, await service.RenderOnceAsync(new MinutesCallInfo(callId, "t")));
    }

    [Fact]
    public async Task Without_a_language_model_the_minutes_say_so()
    {
        var summarizer = new ChatMinutesSummarizer(null, NullLogger<ChatMinutesSummarizer>.Instance);
        var document = await summarizer.SummarizeAsync(new MinutesDocument { CallId = "c" });
        Assert.Contains("No summary: no language model is configured.", MinutesRenderer.RenderText(document));
    }
}
