using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Json;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Faults;
using DvServerless.Simulators.Realtime.Sip;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests.Faults;

/// <summary>
/// ACS and OpenAI REST answering 429 and 5xx, end to end: the simulators' fault plans throttle or fail the real requests
/// of the Functions app (ACS <c>:answer</c>, OpenAI SIP <c>accept</c>, <c>client_secrets</c>). A passing throttle is
/// waited out as the service asks (<c>Retry-After</c>, both forms) and the call goes on; a lasting outage ends after the
/// configured tries with a clear answer, a final <c>Failed</c> session and a log line that says why. One local stack
/// serves every test; each test plans its own faults and clears them.
/// </summary>
/// <remarks>
/// The bounds are set as a user sets them: ACS <c>Acs:Retry:*</c> (2 retries from 200 ms, a server wait up to 5 s
/// honoured) and SIP call control <c>OpenAI:CallControl:*</c> (3 tries from 200 ms, <c>Retry-After</c> up to 3 s);
/// client secrets keep their fixed bound (3 tries, 250 and 500 ms apart, <c>Retry-After</c> up to 5 s).
/// </remarks>
public sealed class RestFaultsEndToEndTests : IClassFixture<RestFaultsEndToEndTests.FaultStack>
{
    // The first try and Acs:Retry:MaxRetries (2).
    private const int AcsAnswerTries = 3;
    private const int SipAcceptTries = 3;
    private static readonly string[] Utterances = ["Is my order on its way?"];

    private readonly FaultStack _fixture;
    private readonly ITestOutputHelper _output;

    public RestFaultsEndToEndTests(FaultStack fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [SkippableFact]
    public async Task Acs_answer_throttled_twice_with_retry_after_1_is_retried_after_a_second_and_the_caller_hears_the_agent()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        stack.Acs.RestFaults.Add(new RestFault("answer", 429, count: 2, retryAfter: TimeSpan.FromSeconds(1)));

        var (result, answers, callId) = await PlaceAnsweredCallAsync(stack, timeout.Token);

        Assert.Equal(3, answers.Count);
        Assert.Equal([429, 429], answers.Take(2).Select(r => r.StatusCode));
        Assert.InRange(answers[2].StatusCode, 200, 299);
        AssertGapsAtLeast(answers, TimeSpan.FromSeconds(1));
        Assert.Equal(1, result.AnswerCount);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        // The caller heard the agent's answer.
        Assert.Contains(result.Segments, s => s.PlayedMs > 300);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Contains(await stack.Records.ReadAsync(callId, timeout.Token), r => r.Kind == "turn" && r.Speaker == "agent");
    }

    [SkippableFact]
    public async Task Acs_answer_503_with_an_http_date_retry_after_is_retried_no_sooner_than_that_date()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        stack.Acs.RestFaults.Add(new RestFault("answer", 503, retryAfter: TimeSpan.FromSeconds(1), form: RetryAfterForm.HttpDate));

        var (result, answers, _) = await PlaceAnsweredCallAsync(stack, timeout.Token);

        Assert.Equal(2, answers.Count);
        Assert.Equal(503, answers[0].StatusCode);
        Assert.InRange(answers[1].StatusCode, 200, 299);
        // The date was rounded up to a whole second after the answer time + 1 s: the retry comes at or after it.
        AssertGapsAtLeast(answers, TimeSpan.FromSeconds(1));
        Assert.True(result.MediaConnected, result.MediaConnectError);
        Assert.Contains(result.Segments, s => s.PlayedMs > 300);
    }

    [SkippableFact]
    public async Task Acs_answer_503_on_every_try_fails_after_the_3_configured_tries_within_10_s_answering_event_grid_200_Failed_so_it_does_not_redeliver_an_unanswerable_call()
    {
        // Why 200 and not 5xx: the session is final (Failed) once the answer has failed, so a redelivery would find it
        // decided and could not answer the call anyway; a 5xx would only make Event Grid redeliver for nothing.
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        stack.Acs.RestFaults.Add(RestFault.Always("answer", 503));
        try
        {
            var (call, session, elapsed) = await PlaceFailingCallAsync(stack, timeout.Token);
            var answers = AnswersOf(stack, call);
            var result = await call.Completion.WaitAsync(timeout.Token);

            _output.WriteLine($"answer 503 every try: {answers.Count} tries, session Failed {elapsed.TotalSeconds:F1} s after the call was placed; " +
                $"tries at +{string.Join(", +", answers.Select(a => (a.ReceivedAt - answers[0].ReceivedAt).TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s");
            Assert.Equal(AcsAnswerTries, answers.Count);
            Assert.All(answers, a => Assert.Equal(503, a.StatusCode));
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"the IncomingCall webhook took {elapsed}");
            Assert.Equal([200], result.IncomingCallDeliveries);
            Assert.Equal(SimulatedCallOutcome.NotAnswered, result.Outcome);
            Assert.Equal(0, result.AnswerCount);
            Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Failed], session.History.Select(h => h.State));
            Assert.Contains("503", session.History[^1].Reason, StringComparison.Ordinal);
            Assert.Contains(_fixture.Logs.Messages, m => m.Contains($"Answering call {session.CallId} failed", StringComparison.Ordinal) && m.Contains("503", StringComparison.Ordinal));
        }
        finally
        {
            stack.Acs.RestFaults.Clear();
        }
    }

    [SkippableTheory]
    [InlineData(RetryAfterForm.DeltaSeconds)]
    [InlineData(RetryAfterForm.Milliseconds)] // retry-after-ms: waited out on every retry before AcsRetryPolicy read it
    public async Task Acs_answer_asked_to_wait_longer_than_the_configured_5_s_bound_fails_at_once_after_1_try(RetryAfterForm form)
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        // 8 s: within the default bound (10 s), past the configured one (Acs:Retry:MaxRetryAfter = 5 s).
        stack.Acs.RestFaults.Add(new RestFault("answer", 429, retryAfter: TimeSpan.FromSeconds(8), form: form));

        var (call, session, elapsed) = await PlaceFailingCallAsync(stack, timeout.Token);
        var answers = AnswersOf(stack, call);

        Assert.Equal([429], answers.Select(a => a.StatusCode));
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"failed after {elapsed}");
        Assert.Equal(CallState.Failed, session.State);
        Assert.Contains("429", session.History[^1].Reason, StringComparison.Ordinal);
        Assert.Equal([200], (await call.Completion.WaitAsync(timeout.Token)).IncomingCallDeliveries);
    }

    [SkippableFact]
    public async Task Sip_accept_throttled_once_is_retried_after_retry_after_and_the_call_is_accepted_and_answered()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        var since = DateTimeOffset.UtcNow;
        stack.Realtime!.RestFaults.Add(new RestFault("accept", 429, retryAfter: TimeSpan.FromSeconds(1)));

        var result = await stack.Realtime.PlaceSipCallAsync(SipRequest(stack, "accept-429"), timeout.Token);

        var accepts = stack.Realtime.RestFaults.RequestsFor("accept").Where(r => r.ReceivedAt >= since).ToList();
        Assert.Equal([429, (int?)null], accepts.Select(a => a.FaultStatus));
        // As for ACS, allow the clocks' few milliseconds; unasked, the client would retry after 200 ms.
        Assert.True(accepts[1].ReceivedAt - accepts[0].ReceivedAt >= TimeSpan.FromMilliseconds(980), $"retried after {accepts[1].ReceivedAt - accepts[0].ReceivedAt}");
        Assert.Equal([200], result.WebhookAttempts);
        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        Assert.Contains(result.Responses, r => r.Status == "completed");
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
    }

    [SkippableFact]
    public async Task Sip_accept_500_on_every_try_fails_after_3_tries_answering_the_webhook_2xx_and_rejects_the_call_with_503()
    {
        // SipIncomingService: the session is Failed and final, so the webhook is answered 2xx (a redelivery could not
        // accept either), and the call is rejected with SIP 503 so the caller is not left ringing until OpenAI gives up.
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        var since = DateTimeOffset.UtcNow;
        stack.Realtime!.RestFaults.Add(RestFault.Always("accept", 500));
        try
        {
            var watch = Stopwatch.StartNew();
            var result = await stack.Realtime.PlaceSipCallAsync(SipRequest(stack, "accept-500", decisionTimeout: TimeSpan.FromSeconds(2)), timeout.Token);
            watch.Stop();

            var accepts = stack.Realtime.RestFaults.RequestsFor("accept").Where(r => r.ReceivedAt >= since).ToList();
            Assert.Equal(SipAcceptTries, accepts.Count);
            Assert.All(accepts, a => Assert.Equal(500, a.FaultStatus));
            Assert.Equal([200], result.WebhookAttempts);
            Assert.Equal(0, result.AcceptCount);
            Assert.Equal(SipIncomingService.UnacceptedRejectStatus, result.RejectStatus);
            Assert.Equal(SipCallEnd.Rejected, result.End);
            Assert.Equal(0, result.SidebandCount);
            var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
            Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Failed], session.History.Select(h => h.State));
            Assert.Contains("accept failed (500", session.History[^1].Reason, StringComparison.Ordinal);
            Assert.Contains(_fixture.Logs.Messages, m => m.Contains($"SIP call {session.CallId}", StringComparison.Ordinal) && m.Contains("accept failed (500", StringComparison.Ordinal));
            Assert.Contains(_fixture.Logs.Messages, m => m.Contains($"SIP call {session.CallId}: the accept failed, so the call was rejected with 503", StringComparison.Ordinal));
            _output.WriteLine($"accept 500 every try: {accepts.Count} tries over {(accepts[^1].ReceivedAt - accepts[0].ReceivedAt).TotalMilliseconds:F0} ms; call over in {watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            stack.Realtime.RestFaults.Clear();
        }
    }

    [SkippableFact]
    public async Task Client_secret_with_openai_down_is_answered_503_with_retry_after_within_2_s_and_passes_on_a_longer_service_wait()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stack = await _fixture.GetAsync(timeout.Token);
        using var http = new HttpClient { BaseAddress = stack.FunctionsBaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var since = DateTimeOffset.UtcNow;
        stack.Realtime!.RestFaults.Add(RestFault.Always("client_secrets", 503));
        try
        {
            var watch = Stopwatch.StartNew();
            using var down = await PostClientSecretAsync(http, stack, timeout.Token);
            watch.Stop();
            var tries = stack.Realtime.RestFaults.RequestsFor("client_secrets").Count(r => r.ReceivedAt >= since);

            _output.WriteLine($"client secret with OpenAI 503: {(int)down.StatusCode} in {watch.Elapsed.TotalMilliseconds:F0} ms after {tries} tries");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), down.Headers.RetryAfter?.Delta);
            using var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync(timeout.Token));
            Assert.Equal("upstream_unavailable", body.RootElement.GetProperty("error").GetString());
            Assert.Equal(5, body.RootElement.GetProperty("retryAfter").GetInt32());
            Assert.Equal(3, tries);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"answered after {watch.Elapsed}");

            // OpenAI asks for 30 s, more than the client waits (5 s): one try, and the page is told OpenAI's wait.
            stack.Realtime.RestFaults.Clear();
            stack.Realtime.RestFaults.Add(RestFault.Always("client_secrets", 429, TimeSpan.FromSeconds(30)));
            since = DateTimeOffset.UtcNow;
            using var throttled = await PostClientSecretAsync(http, stack, timeout.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), throttled.Headers.RetryAfter?.Delta);
            Assert.Equal(1, stack.Realtime.RestFaults.RequestsFor("client_secrets").Count(r => r.ReceivedAt >= since));

            // OpenAI back: a key is minted.
            stack.Realtime.RestFaults.Clear();
            using var back = await PostClientSecretAsync(http, stack, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }
        finally
        {
            stack.Realtime.RestFaults.Clear();
        }
    }

    private static async Task<HttpResponseMessage> PostClientSecretAsync(HttpClient http, LocalStack stack, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/realtime/client-secret")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", stack.TenantApiKey);
        return await http.SendAsync(request, cancellationToken);
    }

    private async Task<(SimulatedCallResult Result, IReadOnlyList<AcsRecordedRequest> Answers, string CallId)> PlaceAnsweredCallAsync(LocalStack stack, CancellationToken cancellationToken)
    {
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = _fixture.Caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(40),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1.5),
        }, cancellationToken);
        var result = await call.Completion.WaitAsync(cancellationToken);
        var answers = AnswersOf(stack, call);
        _output.WriteLine($"answer tries: {string.Join(", ", answers.Select(a => $"{a.StatusCode} at {a.ReceivedAt:HH:mm:ss.fff}"))}; outcome {result.Outcome}");
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        return (result, answers, CallIdDerivation.FromValue(call.CorrelationId));
    }

    private async Task<(SimulatedCall Call, CallSession Session, TimeSpan Elapsed)> PlaceFailingCallAsync(LocalStack stack, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            CallerAudio = _fixture.Caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            // Longer than the webhook takes (≤ 10 s), so the delivery's answer is recorded before the caller gives up.
            AnswerTimeout = TimeSpan.FromSeconds(11),
        }, cancellationToken);
        var callId = CallIdDerivation.FromValue(call.CorrelationId);
        CallSession? session = null;
        await TestStacks.UntilAsync(async () => (session = await stack.Sessions.GetAsync(callId, cancellationToken))?.State == CallState.Failed, cancellationToken);
        watch.Stop();
        return (call, session!, watch.Elapsed);
    }

    private static List<AcsRecordedRequest> AnswersOf(LocalStack stack, SimulatedCall call) =>
        stack.Acs.Requests.Where(r => r.Operation == "answer" && r.Body.Contains(call.IncomingCallContext, StringComparison.Ordinal)).ToList();

    private static void AssertGapsAtLeast(IReadOnlyList<AcsRecordedRequest> tries, TimeSpan gap)
    {
        // The simulator stamps arrivals with the wall clock and the client waits on a timer: allow their few milliseconds
        // of disagreement (seen: 999.6 ms for a 1 s wait), far less than the 0.5 s the client would wait unasked.
        var tolerance = TimeSpan.FromMilliseconds(20);
        for (var i = 1; i < tries.Count; i++)
        {
            var actual = tries[i].ReceivedAt - tries[i - 1].ReceivedAt;
            Assert.True(actual >= gap - tolerance, $"try {i + 1} came {actual.TotalMilliseconds:F1} ms after try {i}, sooner than the {gap.TotalSeconds} s asked");
        }
    }

    private SipCallRequest SipRequest(LocalStack stack, string customerId, TimeSpan? decisionTimeout = null) => new()
    {
        DecisionTimeout = decisionTimeout ?? TimeSpan.FromSeconds(10),
        WebhookUrl = stack.SipWebhookUrl,
        WebhookSecret = SipSimulatorDefaults.WebhookSecret,
        SipHeaders =
        [
            new("From", "\"Caller\" <sip:+14155550100@trunk.example.com>;tag=faults"),
            new("To", "<sip:+14155550199@sip.api.openai.com>"),
            new("Call-ID", "faults-" + customerId + "@trunk.example.com"),
        ],
        CallerAudio = _fixture.Caller,
        HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1.5),
        MaxCallDuration = TimeSpan.FromSeconds(30),
    };

    /// <summary>One local stack (a tenant for the client-secret API, ACS and SIP call-control retries set short) and the caller's audio.</summary>
    [SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a stack: a LocalStack for fault tests.")]
    public sealed class FaultStack : IAsyncLifetime, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private LocalStack? _stack;

        /// <summary>Both apps' log lines.</summary>
        public CapturingLoggerProvider Logs { get; } = new();

        public ReadOnlyMemory<byte> Caller { get; private set; }

        public async Task<LocalStack> GetAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_stack is null)
                {
                    Caller = await CallerAudioSynthesizer.SynthesizeAsync(Utterances, TimeSpan.Zero, AudioFormat.Pcm24k, cancellationToken);
                    _stack = await LocalStack.StartAsync(TestStacks.Options(Utterances, (_, _) => "It left the depot this morning.") with
                    {
                        CreateTenant = true,
                        LogSink = Logs,
                        AppSettings = new Dictionary<string, string?>
                        {
                            ["Acs:Retry:MaxRetries"] = (AcsAnswerTries - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["Acs:Retry:Delay"] = "00:00:00.200",
                            ["Acs:Retry:MaxDelay"] = "00:00:01",
                            ["Acs:Retry:MaxRetryAfter"] = "00:00:05",
                            ["OpenAI:CallControl:MaxAttempts"] = SipAcceptTries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["OpenAI:CallControl:InitialRetryDelay"] = "00:00:00.200",
                            ["OpenAI:CallControl:MaxRetryAfter"] = "00:00:03",
                        },
                    }, _ => { }, cancellationToken);
                }

                // Each test starts from no planned fault.
                _stack.Acs.RestFaults.Clear();
                _stack.Realtime!.RestFaults.Clear();
                return _stack;
            }
            finally
            {
                _gate.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_stack is not null)
            {
                await _stack.DisposeAsync();
            }

            Logs.Dispose();
        }

        /// <summary>Releases the start-up gate (xUnit calls this besides <see cref="DisposeAsync"/>, which stops the stack).</summary>
        public void Dispose() => _gate.Dispose();
    }
}
