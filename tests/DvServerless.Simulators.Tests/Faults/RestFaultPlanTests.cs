using DvServerless.Simulators.Faults;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Simulators.Tests.Faults;

/// <summary>The fault plan on its own: counts, matching by operation, both <c>Retry-After</c> forms, and back to normal.</summary>
public sealed class RestFaultPlanTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, 300, TimeSpan.Zero);

    [Fact]
    public void The_next_n_requests_of_the_operation_are_faulted_then_served_normally_and_every_one_is_recorded()
    {
        var time = new FakeTimeProvider(Noon);
        var plan = new RestFaultPlan(time);
        plan.Add(new RestFault("answer", 429, count: 2, retryAfter: TimeSpan.FromSeconds(1)));

        var first = plan.Check("answer");
        time.Advance(TimeSpan.FromSeconds(1));
        var second = plan.Check("answer");
        time.Advance(TimeSpan.FromSeconds(1));
        var third = plan.Check("answer");

        Assert.Equal(429, first!.StatusCode);
        Assert.Equal(429, second!.StatusCode);
        Assert.Null(third);
        Assert.Equal(0, plan.Remaining("answer"));
        Assert.Equal(
            [new RestFaultRequest(Noon, "answer", 429), new RestFaultRequest(Noon.AddSeconds(1), "answer", 429), new RestFaultRequest(Noon.AddSeconds(2), "answer", null)],
            plan.Requests);
    }

    [Fact]
    public void A_fault_matches_only_its_operation_without_regard_to_case()
    {
        var plan = new RestFaultPlan();
        plan.Add(new RestFault("transferToParticipant", 503));

        Assert.Null(plan.Check("play"));
        Assert.Null(plan.Check("answer"));
        Assert.Equal(503, plan.Check("TRANSFERTOPARTICIPANT")!.StatusCode);
        Assert.Null(plan.Check("transferToParticipant"));
        Assert.Equal(["play", "answer", "TRANSFERTOPARTICIPANT", "transferToParticipant"], plan.Requests.Select(r => r.Operation));
        Assert.Single(plan.RequestsFor("play"));
    }

    [Fact]
    public void Faults_of_one_operation_are_used_in_the_order_they_were_added()
    {
        var plan = new RestFaultPlan();
        plan.Add(new RestFault("accept", 429));
        plan.Add(new RestFault("accept", 500, count: 2));

        Assert.Equal(3, plan.Remaining("accept"));
        Assert.Equal([429, 500, 500], Enumerable.Range(0, 3).Select(_ => plan.Check("accept")!.StatusCode));
        Assert.Null(plan.Check("accept"));
    }

    [Fact]
    public void An_outage_fault_is_never_used_up_until_cleared()
    {
        var plan = new RestFaultPlan();
        plan.Add(RestFault.Always("client_secrets", 503));

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(503, plan.Check("client_secrets")!.StatusCode));
        plan.Clear();

        Assert.Null(plan.Check("client_secrets"));
        Assert.Equal(51, plan.Requests.Count);
    }

    [Fact]
    public void Retry_after_is_spelled_as_delta_seconds_rounded_up()
    {
        var headers = RestFaultPlan.RetryHeaders(new RestFault("answer", 429, retryAfter: TimeSpan.FromMilliseconds(1200)), Noon);

        Assert.Equal([new KeyValuePair<string, string>("Retry-After", "2")], headers);
    }

    [Fact]
    public void Retry_after_as_an_http_date_is_the_answer_time_plus_the_wait_rounded_up_to_the_next_second()
    {
        // 12:00:00.300 + 1 s = 12:00:01.300 → 12:00:02: a client that subtracts its clock never waits less than asked.
        var headers = RestFaultPlan.RetryHeaders(new RestFault("answer", 503, retryAfter: TimeSpan.FromSeconds(1), form: RetryAfterForm.HttpDate), Noon);
        var exact = RestFaultPlan.RetryHeaders(
            new RestFault("answer", 503, retryAfter: TimeSpan.FromSeconds(3), form: RetryAfterForm.HttpDate), new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal([new KeyValuePair<string, string>("Retry-After", "Sun, 06 Dec 2026 12:00:02 GMT")], headers);
        Assert.Equal("Sun, 06 Dec 2026 12:00:03 GMT", Assert.Single(exact).Value);
    }

    [Fact]
    public void Retry_after_in_milliseconds_uses_both_azure_headers_and_no_retry_after()
    {
        var headers = RestFaultPlan.RetryHeaders(new RestFault("play", 429, retryAfter: TimeSpan.FromMilliseconds(1500), form: RetryAfterForm.Milliseconds), Noon);

        Assert.Equal([new KeyValuePair<string, string>("retry-after-ms", "1500"), new KeyValuePair<string, string>("x-ms-retry-after-ms", "1500")], headers);
    }

    [Fact]
    public void No_wait_sends_no_retry_header()
    {
        Assert.Empty(RestFaultPlan.RetryHeaders(new RestFault("answer", 500), Noon));
    }

    [Theory]
    [InlineData(404, 1)]
    [InlineData(200, 1)]
    [InlineData(600, 1)]
    [InlineData(503, 0)]
    public void A_fault_must_be_a_429_or_5xx_for_at_least_one_request(int status, int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestFault("answer", status, count));
    }
}
