using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Sip;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// <c>end_call</c> on a SIP call hangs up after the agent's goodbye has played into the call, not when the tool call
/// arrives (the audio is generated faster than it plays).
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class GoodbyeHangUpTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly HangUpRecorder _control = new();
    private readonly ScriptedEngine _engine = new();
    private readonly List<string> _why = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _engine.DisposeAsync().AsTask();

    private GoodbyeHangUp NewHangUp() => new(_engine, _control, "rtc_1", Timeout, _time, _why.Add, ex => throw ex);

    [Fact]
    public async Task The_hang_up_waits_for_the_goodbye_to_finish_playing()
    {
        using var goodbye = NewHangUp();
        goodbye.FarEndPlaying = true;            // output_audio_buffer.started: "Thanks for calling, goodbye!"
        goodbye.Request("call_end");             // response.function_call_arguments.done (end_call)
        goodbye.ResponseFinished();              // response.done
        await goodbye.HangUpIfDueAsync(CancellationToken.None);
        Assert.Empty(_control.HangUps);

        goodbye.FarEndPlaying = false;           // output_audio_buffer.stopped
        await goodbye.HangUpIfDueAsync(CancellationToken.None);

        Assert.Equal(["rtc_1"], _control.HangUps);
        Assert.Equal("the agent ended the call", goodbye.EndReason);
        Assert.Equal(["its goodbye played"], _why);
    }

    [Fact]
    public async Task Without_audio_playing_it_hangs_up_when_the_asking_response_is_done()
    {
        using var goodbye = NewHangUp();
        goodbye.Request("call_end");
        await goodbye.HangUpIfDueAsync(CancellationToken.None);
        Assert.Empty(_control.HangUps);           // the response that asked may still add audio

        goodbye.ResponseFinished();
        await goodbye.HangUpIfDueAsync(CancellationToken.None);
        await goodbye.HangUpIfDueAsync(CancellationToken.None);

        Assert.Equal(["rtc_1"], _control.HangUps);
    }

    [Fact]
    public async Task A_goodbye_that_never_finishes_is_cut_at_the_timeout_once()
    {
        using var goodbye = NewHangUp();
        goodbye.FarEndPlaying = true;
        goodbye.Request("call_end");
        goodbye.ResponseFinished();

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_control.HangUps);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => _control.HangUps.Count > 0);
        goodbye.FarEndPlaying = false;
        await goodbye.HangUpIfDueAsync(CancellationToken.None);

        Assert.Equal(["rtc_1"], _control.HangUps);
        Assert.Equal(["the goodbye did not finish in time"], _why);
    }

    [Fact]
    public async Task A_failed_hang_up_is_reported_to_the_agent_and_the_call_goes_on()
    {
        _control.Outcome = RealtimeCallControlOutcome.Failed;
        using var goodbye = NewHangUp();
        goodbye.Request("call_end");
        goodbye.ResponseFinished();

        await goodbye.HangUpIfDueAsync(CancellationToken.None);

        Assert.Null(goodbye.EndReason);
        var (callId, output) = Assert.Single(_engine.ToolResults);
        Assert.Equal("call_end", callId);
        Assert.Contains("could not be ended", output);
    }

    [Fact]
    public async Task Once_the_sideband_is_over_the_timeout_does_not_hang_up_a_call_that_is_gone()
    {
        var goodbye = NewHangUp();
        goodbye.FarEndPlaying = true;
        goodbye.Request("call_end");
        goodbye.Dispose();

        _time.Advance(Timeout * 2);
        await Task.Delay(50);

        Assert.Empty(_control.HangUps);
    }

    [Fact]
    public async Task A_limit_hang_up_waits_for_the_goodbye_response_not_the_one_cancelled_for_it()
    {
        using var goodbye = NewHangUp();
        goodbye.FarEndPlaying = true;                    // an answer is playing when the time limit comes
        await goodbye.RequestLastWordsAsync(CallLimitEndReasons.TimeLimit, lastWords: true, CancellationToken.None);
        goodbye.FarEndPlaying = false;                   // cancelled: output_audio_buffer.cleared
        goodbye.ResponseFinished();                      // the cancelled answer's response.done
        await goodbye.HangUpIfDueAsync(CancellationToken.None);
        Assert.Empty(_control.HangUps);

        goodbye.ResponseStarted();                       // the goodbye the agent was asked to say
        goodbye.FarEndPlaying = true;
        goodbye.ResponseFinished();
        await goodbye.HangUpIfDueAsync(CancellationToken.None);
        Assert.Empty(_control.HangUps);
        goodbye.FarEndPlaying = false;
        await goodbye.HangUpIfDueAsync(CancellationToken.None);

        Assert.Equal(["rtc_1"], _control.HangUps);
        Assert.Equal(CallLimitEndReasons.TimeLimit, goodbye.EndReason);
        Assert.Empty(_engine.ToolResults);
    }

    [Fact]
    public async Task A_limit_without_a_goodbye_to_say_hangs_up_at_once()
    {
        using var goodbye = NewHangUp();
        await goodbye.RequestLastWordsAsync(CallLimitEndReasons.CallerSilent, lastWords: false, CancellationToken.None);

        Assert.Equal(["rtc_1"], _control.HangUps);
        Assert.Equal(CallLimitEndReasons.CallerSilent, goodbye.EndReason);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private sealed class HangUpRecorder : IRealtimeCallControl
    {
        private readonly List<string> _hangUps = [];

        public RealtimeCallControlOutcome Outcome { get; set; } = RealtimeCallControlOutcome.Ok;

        public List<string> HangUps
        {
            get
            {
                lock (_hangUps)
                {
                    return _hangUps.ToList();
                }
            }
        }

        public Task<RealtimeCallControlResult> HangUpAsync(string callId, CancellationToken cancellationToken)
        {
            lock (_hangUps)
            {
                _hangUps.Add(callId);
            }

            return Task.FromResult(new RealtimeCallControlResult(Outcome, Outcome == RealtimeCallControlOutcome.Ok ? 200 : 500, null, 1));
        }

        public Task<RealtimeCallControlResult> AcceptAsync(string callId, JsonObject session, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RealtimeCallControlResult> RejectAsync(string callId, int? statusCode, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RealtimeCallControlResult> ReferAsync(string callId, string targetUri, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
