using DvServerless.Core.Calls;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Calls;

public sealed class UnansweredCallSweepTests
{
    private readonly TestServices _services = new();

    [Fact]
    public async Task A_call_decided_while_storage_went_silent_is_failed_by_the_sweep_and_never_answered()
    {
        // The move to Answering lands, then storage stops answering for longer than the delivery's tries of its commit: the
        // delivery fails (503) without answering, and the redelivery finds the call decided. Nobody will answer it; the
        // caller hears it ring out.
        var incoming = _services.IncomingCalls();
        _services.Sessions.FailUpdates(CallSessionClaims.CommitAttempts);
        await Assert.ThrowsAsync<TimeoutException>(() => incoming.HandleAsync(IncomingCallSamples.Notification()));
        _services.Time.Advance(TimeSpan.FromSeconds(10));
        var redelivery = await incoming.HandleAsync(IncomingCallSamples.Notification());
        Assert.Equal(IncomingCallResult.Duplicate, redelivery.Result);
        var sweep = Sweep();

        _services.Time.Advance(sweep.After - TimeSpan.FromSeconds(11));
        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));
        Assert.Equal(CallState.Answering, (await _services.Sessions.GetAsync(redelivery.CallId))!.State);

        _services.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await sweep.RunAsync(CancellationToken.None));

        var session = (await _services.Sessions.GetAsync(redelivery.CallId))!;
        Assert.Equal(CallState.Failed, session.State);
        Assert.Equal(UnansweredCallSweep.Reason, session.EndReason);
        Assert.Equal(_services.Time.GetUtcNow(), session.EndedAt);
        Assert.Empty(_services.Acs.Answers);
        // Failed once: the next run (or another instance's) finds nothing to do.
        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));
        Assert.Equal(3, session.History.Count);
        // A delivery after the sweep is still a duplicate: the call is not answered late.
        Assert.Equal(IncomingCallResult.Duplicate, (await incoming.HandleAsync(IncomingCallSamples.Notification())).Result);
        Assert.Empty(_services.Acs.Answers);
    }

    [Theory]
    [InlineData(CallState.Ringing, null, true)]
    [InlineData(CallState.Answering, null, true)]
    [InlineData(CallState.Answering, "conn-1", false)]
    [InlineData(CallState.Connected, "conn-1", false)]
    [InlineData(CallState.Connected, null, false)]
    [InlineData(CallState.Ending, "conn-1", false)]
    public async Task Only_a_call_left_ringing_or_answering_without_a_connection_is_failed(CallState state, string? connectionId, bool failed)
    {
        await StoreAsync("call-1", state, connectionId, _services.Time.GetUtcNow());
        var sweep = Sweep();
        _services.Time.Advance(sweep.After + TimeSpan.FromSeconds(1));

        Assert.Equal(failed ? 1 : 0, await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(failed ? CallState.Failed : state, (await _services.Sessions.GetAsync("call-1"))!.State);
    }

    [Fact]
    public async Task A_call_a_worker_took_is_not_failed_though_no_write_said_it_connected()
    {
        await StoreAsync("call-1", CallState.Answering, null, _services.Time.GetUtcNow());
        await _services.Sessions.UpdateAsync("call-1", s =>
        {
            s.WorkerQueue = "dvs-worker-replica-1";
            return true;
        });
        var sweep = Sweep();
        _services.Time.Advance(sweep.After + TimeSpan.FromSeconds(1));

        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(CallState.Answering, (await _services.Sessions.GetAsync("call-1"))!.State);
    }

    [Fact]
    public async Task A_session_the_index_shows_stranded_but_that_moved_since_is_left_alone()
    {
        var ringingAt = _services.Time.GetUtcNow();
        var sweep = Sweep(out var query);
        _services.Time.Advance(sweep.After + TimeSpan.FromMinutes(1));
        // The document was answered a moment ago; the index still says what it said when the call rang.
        await StoreAsync("call-1", CallState.Answering, null, _services.Time.GetUtcNow());
        query.Stale["call-1"] = new OpenCallSession("call-1", null, CallState.Ringing, ringingAt);

        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(CallState.Answering, (await _services.Sessions.GetAsync("call-1"))!.State);
    }

    [Fact]
    public async Task A_session_that_cannot_be_written_does_not_stop_the_others()
    {
        await StoreAsync("call-a", CallState.Answering, null, _services.Time.GetUtcNow());
        await StoreAsync("call-b", CallState.Answering, null, _services.Time.GetUtcNow());
        var sweep = Sweep();
        _services.Time.Advance(sweep.After + TimeSpan.FromSeconds(1));
        _services.Sessions.FailUpdates(1);

        // The first write lands with its answer lost (counted by the next run as nothing to do); the second is counted.
        Assert.Equal(1, await sweep.RunAsync(CancellationToken.None));

        Assert.Equal(CallState.Failed, (await _services.Sessions.GetAsync("call-a"))!.State);
        Assert.Equal(CallState.Failed, (await _services.Sessions.GetAsync("call-b"))!.State);
    }

    [Fact]
    public void The_sweep_waits_at_least_until_a_media_token_for_the_call_has_expired()
    {
        _services.Functions.UnansweredAfter = TimeSpan.FromMinutes(2);
        _services.MediaWorker.TokenLifetime = TimeSpan.FromMinutes(30);
        Assert.Equal(TimeSpan.FromMinutes(31), Sweep().After);

        _services.MediaWorker.TokenLifetime = TimeSpan.FromMinutes(2);
        _services.Functions.UnansweredAfter = TimeSpan.FromMinutes(20);
        Assert.Equal(TimeSpan.FromMinutes(20), Sweep().After);
    }

    [Fact]
    public async Task The_standalone_app_sweeps_on_its_own_once_a_minute_with_the_configured_threshold()
    {
        await using var host = await TestFunctionsHost.StartAsync(
            new Dictionary<string, string?> { ["Functions:UnansweredAfter"] = "00:05:00" },
            replace: (services, fakes) =>
            {
                services.RemoveAll<ICallSessionQuery>();
                services.AddSingleton<ICallSessionQuery>(new StoreOpenSessions(fakes.Sessions));
            });
        var fakes = host.Services;
        var incoming = host.App.Services.GetRequiredService<IncomingCallService>();
        fakes.Sessions.FailUpdates(CallSessionClaims.CommitAttempts);
        await Assert.ThrowsAsync<TimeoutException>(() => incoming.HandleAsync(IncomingCallSamples.Notification()));
        var callId = IncomingCallSamples.CorrelationId;

        // Minute by minute, as the loop's timer fires on the app's clock.
        for (var minute = 1; minute <= 4; minute++)
        {
            fakes.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(200);
        Assert.Equal(CallState.Answering, (await fakes.Sessions.GetAsync(callId))!.State);

        for (var minute = 5; minute <= 6; minute++)
        {
            fakes.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await fakes.Sessions.GetAsync(callId))!.State != CallState.Failed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(CallState.Failed, (await fakes.Sessions.GetAsync(callId))!.State);
        Assert.Equal(UnansweredCallSweep.Reason, (await fakes.Sessions.GetAsync(callId))!.EndReason);
    }

    private UnansweredCallSweep Sweep() => Sweep(out _);

    private UnansweredCallSweep Sweep(out StoreOpenSessions query)
    {
        query = new StoreOpenSessions(_services.Sessions);
        return new UnansweredCallSweep(query, _services.Sessions, Options.Create(_services.Functions), Options.Create(_services.MediaWorker), _services.Time,
            NullLogger<UnansweredCallSweep>.Instance);
    }

    private async Task StoreAsync(string callId, CallState state, string? connectionId, DateTimeOffset at)
    {
        var created = _services.Time.GetUtcNow() < at ? _services.Time.GetUtcNow() : at;
        var session = new CallSession
        {
            CallId = callId,
            CreatedAt = created,
            UpdatedAt = at,
            State = state,
            CallConnectionId = connectionId,
            History = [new CallStateChange(state, at, null)],
        };
        Assert.True(await _services.Sessions.TryCreateAsync(session));
    }
}
