using System.Text.Json;
using DvServerless.Functions.CustomHandler;

namespace DvServerless.Functions.Tests.CustomHandler;

public sealed class CustomHandlerInvocationTests
{
    // HOSTING.md §1.3, timer trigger example (RandGuid filled in).
    private const string TimerInvocation = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-01-10T03:00:00+00:00","Next":"2026-01-10T03:30:00+00:00","LastUpdated":"2026-01-10T03:00:00.12+00:00"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"TtsCacheWarmup","UtcNow":"2026-01-10T03:00:00.2Z","RandGuid":"5b7a3e2c-9f8d-4c1b-a6e5-0d4f3c2b1a09"}}}
        """;

    [Fact]
    public void The_timer_example_parses()
    {
        var invocation = CustomHandlerInvocation.Parse(BinaryData.FromString(TimerInvocation));

        Assert.Equal("TtsCacheWarmup", invocation.FunctionName);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 3, 0, 0, 200, TimeSpan.Zero), invocation.UtcNow);
        var timer = invocation.GetData<TimerTriggerInfo>("timer");
        Assert.NotNull(timer);
        Assert.False(timer.IsPastDue);
        Assert.NotNull(timer.ScheduleStatus);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero), timer.ScheduleStatus.Last);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 3, 30, 0, TimeSpan.Zero), timer.ScheduleStatus.Next);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 3, 0, 0, 120, TimeSpan.Zero), timer.ScheduleStatus.LastUpdated);
        Assert.Equal("5b7a3e2c-9f8d-4c1b-a6e5-0d4f3c2b1a09", invocation.GetMetadata<JsonElement>("sys").GetProperty("RandGuid").GetString());
    }

    [Fact]
    public void A_first_run_time_without_offset_is_utc_and_a_missing_status_is_null()
    {
        var first = CustomHandlerInvocation.Parse(BinaryData.FromString(
            """{"Data":{"timer":{"ScheduleStatus":{"Last":"0001-01-01T00:00:00","Next":"2026-01-10T03:30:00+00:00","LastUpdated":"garbage"},"IsPastDue":true}},"Metadata":{}}"""));
        var unmonitored = CustomHandlerInvocation.Parse(BinaryData.FromString(
            """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}"""));

        var timer = first.GetData<TimerTriggerInfo>("timer")!;
        Assert.True(timer.IsPastDue);
        Assert.Equal(DateTimeOffset.MinValue, timer.ScheduleStatus!.Last);
        Assert.Null(timer.ScheduleStatus.LastUpdated);
        Assert.Null(unmonitored.GetData<TimerTriggerInfo>("timer")!.ScheduleStatus);
    }

    [Fact]
    public void Double_encoded_strings_and_stringified_numbers_are_decoded()
    {
        // HOSTING.md §1.3: the host serializes strings with Newtonsoft first, and numbers arrive as strings.
        var invocation = CustomHandlerInvocation.Parse(BinaryData.FromString(
            """{"Data":{"job":"\"{\\\"voice\\\":\\\"alloy\\\"}\"","name":"\"HelloWorld\""},"Metadata":{"DequeueCount":"4","Id":"\"a1b2\"","sys":{"MethodName":"\"Warm\""}}}"""));

        Assert.Equal("""{"voice":"alloy"}""", invocation.GetDataString("job"));
        Assert.Equal("alloy", invocation.GetData<Dictionary<string, string>>("job")!["voice"]);
        Assert.Equal("HelloWorld", invocation.GetDataString("name"));
        Assert.Equal("HelloWorld", invocation.GetData<string>("name"));
        Assert.Equal(4, invocation.GetMetadata<int>("DequeueCount"));
        Assert.Equal("4", invocation.GetMetadataString("DequeueCount"));
        Assert.Equal("a1b2", invocation.GetMetadataString("Id"));
        Assert.Equal("Warm", invocation.FunctionName);
    }

    [Fact]
    public void Plain_values_are_read_as_sent()
    {
        var invocation = CustomHandlerInvocation.Parse(BinaryData.FromString(
            """{"Data":{"text":"plain words","count":3,"obj":{"a":1}},"Metadata":{"DequeueCount":1}}"""));

        Assert.Equal("plain words", invocation.GetDataString("text"));
        Assert.Equal(3, invocation.GetData<int>("count"));
        Assert.Equal("3", invocation.GetDataString("count"));
        Assert.Equal(1, invocation.GetData<JsonElement>("obj").GetProperty("a").GetInt32());
        Assert.Equal(1, invocation.GetMetadata<long>("DequeueCount"));
        Assert.Null(invocation.GetDataString("absent"));
        Assert.Null(invocation.FunctionName);
    }

    [Fact]
    public void Names_match_case_insensitively_and_sections_may_be_missing()
    {
        var invocation = CustomHandlerInvocation.Parse(BinaryData.FromString("""{"data":{"Timer":{"IsPastDue":true}}}"""));

        Assert.True(invocation.GetData<TimerTriggerInfo>("timer")!.IsPastDue);
        Assert.Empty(invocation.Metadata);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"Data":[1]}""")]
    [InlineData("""{"Data":"text"}""")]
    public void Malformed_invocations_are_refused(string body)
    {
        Assert.Throws<FormatException>(() => CustomHandlerInvocation.Parse(BinaryData.FromString(body)));
    }

    [Fact]
    public void A_value_of_the_wrong_shape_is_a_format_error()
    {
        var invocation = CustomHandlerInvocation.Parse(BinaryData.FromString("""{"Data":{"timer":[1,2]},"Metadata":{}}"""));

        Assert.Throws<FormatException>(() => invocation.GetData<TimerTriggerInfo>("timer"));
    }
}
