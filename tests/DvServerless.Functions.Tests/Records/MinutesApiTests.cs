using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Minutes;
using DvServerless.Core.Records;
using DvServerless.Functions.Tests.Endpoints;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.Records;

/// <summary>GET /api/calls/{callId}/minutes and the conference routes, over Azurite.</summary>
public sealed class MinutesApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [SkippableFact]
    public async Task Minutes_are_404_with_retry_after_until_the_call_ends_and_an_unknown_format_is_400()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var callId = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(callId);

        using var notReady = await host.Client.GetAsync($"/api/calls/{callId}/minutes?format=txt");
        Assert.Equal(HttpStatusCode.NotFound, notReady.StatusCode);
        Assert.Equal("5", notReady.Headers.GetValues("Retry-After").Single());
        Assert.Equal("minutes_not_ready", (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        using var unknown = await host.Client.GetAsync($"/api/calls/{callId}/minutes?format=docx");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("unknown_format", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [SkippableFact]
    public async Task Duplicated_call_disconnected_callbacks_render_the_minutes_exactly_once_in_every_format()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var callId = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(callId);
        var records = host.App.Services.GetRequiredService<ICallRecordSink>();
        var at = DateTimeOffset.UtcNow;
        await records.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "When are you open?", StartMs = 400, EndMs = 1600, Language = "en-US", At = at });
        await records.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "agent", Text = "We are open from nine to five every weekday.", StartMs = 2000, EndMs = 3000, ItemId = "item-1", Interrupted = true, AudioEndMs = 500, SentMs = 600, ReceivedMs = 2000, At = at });
        await records.AppendAsync(callId, new CallRecordEntry { Kind = CallEndMarker.Kind, At = at });

        // ACS redelivers callbacks; two CallDisconnected arrive back to back.
        var callback = IncomingCallSamples.CallDisconnected("conn-" + callId);
        using var first = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{callId}", callback));
        using var second = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{callId}", callback));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var txt = await WaitForMinutesAsync(host, callId, "txt");
        Assert.Equal("text/plain", txt.Content.Headers.ContentType!.MediaType);
        var text = await txt.Content.ReadAsStringAsync();
        Assert.Contains("When are you open?", text);
        Assert.Contains("We are open" + MinutesBuilderMarker, text); // only what the caller heard of the interrupted turn
        Assert.DoesNotContain("every weekday", text);
        Assert.DoesNotContain("4255550123", text); // parties masked
        Assert.Contains("0123", text);

        foreach (var (format, type) in new[] { ("md", "text/markdown"), ("json", "application/json"), ("srt", "application/x-subrip") })
        {
            using var file = await host.Client.GetAsync($"/api/calls/{callId}/minutes?format={format}");
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(type, file.Content.Headers.ContentType!.MediaType);
        }

        // Give a late second render every chance to happen, then check it never did.
        await Task.Delay(300);
        Assert.Equal(1, host.Summarizer.Calls);
    }

    [SkippableFact]
    public async Task Conference_minutes_merge_a_call_and_external_segments_in_time_order()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var confId = "conf-" + Guid.NewGuid().ToString("N")[..12];
        var callId = RecordsApiHost.NewCallId();
        await host.SeedSessionAsync(callId, conferenceId: confId);
        var start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var records = host.App.Services.GetRequiredService<ICallRecordSink>();
        // Media of the call started at `start` (At − EndMs).
        await records.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "First from the phone.", StartMs = 1000, EndMs = 2000, At = start.AddMilliseconds(2000) });
        await records.AppendAsync(callId, new CallRecordEntry { Kind = "turn", Speaker = "agent", Text = "Third from the phone.", StartMs = 5000, EndMs = 6000, At = start.AddMilliseconds(6000) });

        using var before = await host.Client.GetAsync($"/api/v1/minutes/{confId}?format=txt");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        var body = JsonSerializer.Serialize(new
        {
            source = "room-mic",
            startedAt = start,
            callIds = new[] { callId },
            segments = new[] { new { speaker = "alice", text = "Second from the room.", startMs = 3000, endMs = 4000, language = "en", confidence = 0.92 } },
        });
        using var submitted = await host.Client.PostAsync($"/api/v1/minutes/{confId}/transcripts", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);

        using var minutes = await host.Client.GetAsync($"/api/v1/minutes/{confId}?format=txt");
        Assert.Equal(HttpStatusCode.OK, minutes.StatusCode);
        var text = await minutes.Content.ReadAsStringAsync();
        var first = text.IndexOf("First from the phone.", StringComparison.Ordinal);
        var second = text.IndexOf("Second from the room.", StringComparison.Ordinal);
        var third = text.IndexOf("Third from the phone.", StringComparison.Ordinal);
        Assert.True(first >= 0 && first < second && second < third, text);
    }

    [SkippableTheory]
    [InlineData("""{"segments":[]}""")]
    [InlineData("""{"segments":[{"speaker":"alice","startMs":0}]}""")]
    [InlineData("""{"segments":[{"speaker":"alice","text":"hi","startMs":500,"endMs":100}]}""")]
    [InlineData("""{"segments":[{"speaker":"alice","text":"hi","startMs":0,"confidence":1.5}]}""")]
    [InlineData("""{"callIds":["../etc"],"segments":[{"speaker":"alice","text":"hi","startMs":0}]}""")]
    [InlineData("""not json""")]
    public async Task Invalid_external_segments_are_400_and_store_nothing(string body)
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var confId = "conf-" + Guid.NewGuid().ToString("N")[..12];

        using var response = await host.Client.PostAsync($"/api/v1/minutes/{confId}/transcripts", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var minutes = await host.Client.GetAsync($"/api/v1/minutes/{confId}");
        Assert.Equal(HttpStatusCode.NotFound, minutes.StatusCode);
    }

    private const string MinutesBuilderMarker = Core.Minutes.MinutesBuilder.InterruptedMarker;

    private static async Task<HttpResponseMessage> WaitForMinutesAsync(RecordsApiHost host, string callId, string format)
    {
        for (var i = 0; i < 200; i++)
        {
            var response = await host.Client.GetAsync($"/api/calls/{callId}/minutes?format={format}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(50);
        }

        throw new TimeoutException("The minutes were never rendered.");
    }
}
