using System.Diagnostics.Metrics;
using DvServerless.Core.Live;
using DvServerless.MediaWorker.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Live;

/// <summary>The worker's publisher: it never blocks a call, records every event on the board, and outlives failed sends.</summary>
public sealed class LiveHubPublisherTests : IDisposable
{
    private readonly OwnMeterFactory _meters = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly FakeHubContext _hub = new();
    private readonly LiveCallBoard _board;
    private readonly LiveHubPublisher _publisher;

    public LiveHubPublisherTests()
    {
        _board = new LiveCallBoard(_clock);
        _publisher = new LiveHubPublisher(_hub, _board, new LiveMetrics(_meters), _clock, NullLogger<LiveHubPublisher>.Instance);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void AFullQueue_DropsAndCounts_WithoutBlocking()
    {
        long dropped = 0;
        using var listener = _meters.Listen("dvs.live.events.dropped", value => Interlocked.Add(ref dropped, value));

        // Not started: nothing drains the queue.
        for (var i = 0; i < LiveHubPublisher.Capacity; i++)
        {
            Assert.True(_publisher.Publish(Event($"c{i}", "acme")));
        }

        Assert.False(_publisher.Publish(Event("one-too-many", "acme")));
        Assert.False(_publisher.Publish(Event("two-too-many", "acme")));
        Assert.Equal(2, Interlocked.Read(ref dropped));
    }

    [Fact]
    public async Task EachEvent_IsRecordedAndSentToItsGroups_AndAFailedSendDoesNotStopTheLoop()
    {
        long failed = 0;
        using var listener = _meters.Listen("dvs.live.sends.failed", value => Interlocked.Add(ref failed, value));
        _hub.FailFor = "boom";
        await _publisher.StartAsync(CancellationToken.None);

        _publisher.Publish(Event("boom", "acme"));
        _publisher.Publish(Event("after", "acme"));
        _publisher.Publish(Event("no-tenant", tenantId: null));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (_hub.SentCount < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await _publisher.StopAsync(CancellationToken.None);
        var sent = _hub.Sent();
        Assert.Equal(
            [("after", LiveEventTypes.CallNew, "tenant-acme,admin"), ("no-tenant", LiveEventTypes.CallNew, "admin")],
            sent.Select(s => (((LiveEvent)s.Args[0]!).CallId, s.Method, string.Join(',', s.Groups))).ToArray());
        Assert.Equal(1, Interlocked.Read(ref failed));
        // The board saw all three, the failed one too.
        Assert.Equal(["after", "boom", "no-tenant"], _board.Snapshot(null).Calls.Select(c => c.CallId).Order(StringComparer.Ordinal).ToArray());
    }

    private LiveEvent Event(string callId, string? tenantId) =>
        new() { Type = LiveEventTypes.CallNew, CallId = callId, TenantId = tenantId, At = _clock.GetUtcNow() };

    private sealed class FakeHubContext : IHubContext<LiveHub>, IHubClients, IClientProxy
    {
        private readonly List<(IReadOnlyList<string> Groups, string Method, object?[] Args)> _sent = [];
        private IReadOnlyList<string> _groups = [];

        public string? FailFor { get; set; }

        public int SentCount
        {
            get
            {
                lock (_sent)
                {
                    return _sent.Count;
                }
            }
        }

        IHubClients IHubContext<LiveHub>.Clients => this;

        IGroupManager IHubContext<LiveHub>.Groups => throw new NotSupportedException();

        public IClientProxy All => throw new NotSupportedException();

        public List<(IReadOnlyList<string> Groups, string Method, object?[] Args)> Sent()
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IClientProxy Client(string connectionId) => throw new NotSupportedException();

        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IClientProxy Group(string groupName) => throw new NotSupportedException();

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        // The publisher's one loop calls Groups then SendCoreAsync, one event at a time.
        public IClientProxy Groups(IReadOnlyList<string> groupNames)
        {
            _groups = groupNames;
            return this;
        }

        public IClientProxy User(string userId) => throw new NotSupportedException();

        public IClientProxy Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            if (args is [LiveEvent { CallId: var callId }] && callId == FailFor)
            {
                throw new InvalidOperationException("The service is not connected.");
            }

            lock (_sent)
            {
                _sent.Add((_groups, method, args));
            }

            return Task.CompletedTask;
        }
    }

    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        // Listens to this factory's instrument only: other tests' meters of the same name do not count.
        public MeterListener Listen(string instrument, Action<long> onMeasurement)
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (i, l) =>
                {
                    if (i.Name == instrument && _meters.Contains(i.Meter))
                    {
                        l.EnableMeasurementEvents(i);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => onMeasurement(value));
            listener.Start();
            return listener;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
