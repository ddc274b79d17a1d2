using System.Collections.Concurrent;
using System.Net;
using DvServerless.Adapters.Commands;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.CallCommands;

/// <summary>
/// A command for a call whose session records a replica queue travels on that queue and the replica's reply decides
/// the answer, within the HTTP path's deadline; a call without one goes over HTTP, trying each local worker in turn.
/// </summary>
public sealed class RoutedCallCommandClientTests : IDisposable
{
    private static readonly Uri WorkerA = new("http://127.0.0.1:7073");
    private static readonly Uri WorkerB = new("http://127.0.0.1:7075");
    private static readonly Uri WorkerAInternal = new("http://127.0.0.1:9101");
    private static readonly Uri WorkerBInternal = new("http://127.0.0.1:9102");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeCommandQueues _queues = new();
    private readonly FakeCommandReplies _replies = new();
    private readonly StubWorkers _http = new();
    private readonly MediaWorkerOptions _worker = new()
    {
        BaseUrls = [WorkerA, WorkerB],
        InternalBaseUrls = [WorkerAInternal, WorkerBInternal],
        CommandTimeout = TimeSpan.FromSeconds(5),
    };

    public void Dispose() => _http.Dispose();

    private RoutedCallCommandClient Client()
    {
        var worker = Options.Create(_worker);
        var queued = new QueuedCallCommandClient(new QueuedCommandExchange(_queues, _replies, Options.Create(new CallCommandQueueOptions()), _time), worker, _time);
        var http = new MediaWorkerCallCommandClient(new HttpClient(_http), MediaTokenService.FromConfiguredKey(new string('k', 32), _time), worker, _time,
            new MediaWorkerPool(worker));
        return new RoutedCallCommandClient(queued, http);
    }

    private static CallSession Session(string? queue) => new() { CallId = "acs-1", State = CallState.Connected, WorkerQueue = queue };

    [Fact]
    public async Task A_call_with_a_recorded_queue_gets_its_command_there_expiring_at_the_deadline_and_the_replicas_reply_answers()
    {
        _queues.OnSend = m => _replies.Put(m.Id, new CallCommandReplyDocument(CallCommandReplyStatus.Done, null, "replica-b"));

        var answer = await Client().SendAsync(Session("dvs-cmd-replica-b"), new CallCommand(CallCommandKind.Say, Text: "Hello.", Interrupt: true), default);

        Assert.Equal(CallCommandResult.Done, answer.Result);
        var (queue, message, ttl) = Assert.Single(_queues.Sent);
        Assert.Equal("dvs-cmd-replica-b", queue);
        Assert.Equal(("acs-1", "say", "Hello.", true), (message.CallId, message.Action, message.Text, message.Interrupt));
        // Say gets four command timeouts, on the queue as over HTTP; the queue drops it then.
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(20), message.ExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(20), ttl);
        Assert.Empty(_http.Requests);
    }

    [Theory]
    [InlineData(CallCommandReplyStatus.NotLive, CallCommandResult.NotLive)]
    [InlineData(CallCommandReplyStatus.NotSupported, CallCommandResult.NotSupported)]
    [InlineData(CallCommandReplyStatus.Unavailable, CallCommandResult.Unavailable)]
    [InlineData(CallCommandReplyStatus.Invalid, CallCommandResult.Failed)]
    public async Task A_replicas_refusal_answers_as_the_http_route_would(CallCommandReplyStatus status, CallCommandResult expected)
    {
        _queues.OnSend = m => _replies.Put(m.Id, new CallCommandReplyDocument(status, "why", "replica-b"));

        var answer = await Client().SendAsync(Session("dvs-cmd-replica-b"), new CallCommand(CallCommandKind.ComfortStart), default);

        Assert.Equal(expected, answer.Result);
    }

    [Fact]
    public async Task A_queue_that_is_gone_means_no_worker_runs_the_call()
    {
        _queues.Exists = false;

        var answer = await Client().SendAsync(Session("dvs-cmd-gone"), new CallCommand(CallCommandKind.Interrupt), default);

        Assert.Equal(CallCommandResult.NotLive, answer.Result);
    }

    [Fact]
    public async Task No_reply_by_the_deadline_is_a_failure()
    {
        var sending = Client().SendAsync(Session("dvs-cmd-replica-b"), new CallCommand(CallCommandKind.ComfortStop), default);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!sending.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "The client never gave up.");
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(5);
        }

        var answer = await sending;
        Assert.Equal(CallCommandResult.Failed, answer.Result);
        Assert.Contains("no reply", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_without_a_queue_goes_over_http_to_each_workers_internal_port_until_one_holds_it()
    {
        _http.Holder = WorkerBInternal;

        var answer = await Client().SendAsync(Session(null), new CallCommand(CallCommandKind.Interrupt), default);

        Assert.Equal(CallCommandResult.Done, answer.Result);
        Assert.Empty(_queues.Sent);
        Assert.Equal([WorkerAInternal.Authority, WorkerBInternal.Authority], _http.Requests.Select(u => u.Authority));
        Assert.All(_http.Requests, u => Assert.Equal("/internal/calls/acs-1/interrupt", u.AbsolutePath));
    }

    [Fact]
    public async Task A_call_no_worker_holds_is_not_live_after_asking_each_once()
    {
        var answer = await Client().SendAsync(Session(null), new CallCommand(CallCommandKind.Interrupt), default);

        Assert.Equal(CallCommandResult.NotLive, answer.Result);
        Assert.Equal(2, _http.Requests.Count);
    }

    /// <summary>Local workers over HTTP: only <see cref="Holder"/> runs the call, the others answer 404.</summary>
    [Fact]
    public async Task A_worker_whose_internal_port_is_out_of_reach_gets_no_http_request_and_the_answer_says_why()
    {
        _worker.BaseUrls = [new Uri("https://dvs-worker.example.net")];
        _worker.InternalBaseUrls = [];

        var answer = await Client().SendAsync(Session(null), new CallCommand(CallCommandKind.Interrupt), default);

        Assert.Equal(CallCommandResult.Failed, answer.Result);
        Assert.Contains("internal port is out of this app's reach", answer.Detail, StringComparison.Ordinal);
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public async Task A_loopback_worker_is_reached_on_the_port_after_its_public_one_by_default()
    {
        _worker.BaseUrls = [WorkerA];
        _worker.InternalBaseUrls = [];
        _http.Holder = new Uri("http://127.0.0.1:7074");

        var answer = await Client().SendAsync(Session(null), new CallCommand(CallCommandKind.Interrupt), default);

        Assert.Equal(CallCommandResult.Done, answer.Result);
        Assert.Equal("127.0.0.1:7074", Assert.Single(_http.Requests).Authority);
    }

    private sealed class StubWorkers : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        public Uri? Holder { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }

            var holds = Holder is not null && request.RequestUri!.Authority == Holder.Authority;
            return Task.FromResult(new HttpResponseMessage(holds ? HttpStatusCode.OK : HttpStatusCode.NotFound));
        }
    }
}
