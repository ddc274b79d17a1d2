using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;
using static DvServerless.Adapters.Tests.Engines.Realtime.RealtimeEngineConnectionTests;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

/// <summary>
/// <c>input_audio_buffer.timeout_triggered</c> (PROTOCOL §1.5): the service's input idle timeout committed the silence
/// and answers it. Known to the reader (its own debug log), nothing for the call loop: the response it starts comes as usual.
/// </summary>
public sealed class RealtimeIdleTimeoutEventTests
{
    [Fact]
    public async Task The_idle_timeout_event_is_logged_as_known_and_only_the_response_it_starts_reaches_the_call()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var server = await FakeRealtimeServer.StartAsync();
        await using var engine = new RealtimeEngine("call-1", new AgentOptions(), OpenAIOptions(server), factory.CreateLogger<RealtimeEngine>());
        await engine.StartAsync(CancellationToken.None);

        await server.SendAsync("""{"type":"input_audio_buffer.timeout_triggered","event_id":"event_9","audio_start_ms":1000,"audio_end_ms":7000,"item_id":"item_1"}""");
        await server.SendAsync("""{"type":"response.created","event_id":"event_10","response":{"id":"resp_1","object":"realtime.response","status":"in_progress","output":[]}}""");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await using var events = engine.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(new ResponseStarted("resp_1"), events.Current);

        var messages = logs.Messages.ToArray();
        Assert.Contains(messages, m => m.Contains("the input idle timeout fired", StringComparison.Ordinal) && m.Contains("CallId=call-1", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("input_audio_buffer.timeout_triggered ignored", StringComparison.Ordinal));
    }
}
