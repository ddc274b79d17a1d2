using System.Net;
using System.Text;
using DvServerless.Functions.CustomHandler;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace DvServerless.Functions.Tests.CustomHandler;

public sealed class CustomHandlerEndpointsTests
{
    [Fact]
    public async Task A_non_http_function_answers_with_outputs_logs_and_return_value()
    {
        await using var app = FunctionsApp.Build([], builder => builder.WebHost.UseTestServer());
        CustomHandlerInvocation? received = null;
        app.MapCustomHandlerFunction("SampleTimer", (invocation, _, _) =>
        {
            received = invocation;
            return Task.FromResult(new CustomHandlerResponse
            {
                Outputs = { ["next"] = new { voice = "alloy" } },
                Logs = { "warmed 42 prompts" },
            });
        });
        await app.StartAsync();

        using var response = await app.GetTestClient().PostAsync("/SampleTimer", new StringContent(
            """{"Data":{"timer":{"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"SampleTimer"}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"Outputs":{"next":{"voice":"alloy"}},"Logs":["warmed 42 prompts"],"ReturnValue":null}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("SampleTimer", received?.FunctionName);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_malformed_payload_fails_the_invocation_with_400()
    {
        await using var app = FunctionsApp.Build([], builder => builder.WebHost.UseTestServer());
        var called = false;
        app.MapCustomHandlerFunction("SampleTimer", (_, _, _) =>
        {
            called = true;
            return Task.FromResult(new CustomHandlerResponse());
        });
        await app.StartAsync();

        using var response = await app.GetTestClient().PostAsync("/SampleTimer", new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(called);
        await app.StopAsync();
    }
}
