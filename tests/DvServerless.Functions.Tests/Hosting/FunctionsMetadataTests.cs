using Microsoft.AspNetCore.Http;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Hosting.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>
/// The Functions host knows the functions from <c>functions.metadata</c>, which the Worker SDK generates from the
/// <c>[Function]</c> attributes; the standalone app maps the same attributes through <see cref="FunctionRouteTable"/>.
/// Both must describe the same functions, routes, methods and auth levels, nothing extra on either side.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static JsonElement[] Metadata =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))).RootElement.EnumerateArray().ToArray();

    [Fact]
    public void The_generated_metadata_and_the_standalone_route_table_describe_the_same_http_functions()
    {
        var generated = Metadata
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings")[0]))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => Describe(f.Name, f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!),
                f.Trigger.GetProperty("route").GetString()!, f.Trigger.GetProperty("authLevel").GetString()!))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var standalone = FunctionsApp.Routes
            .Select(r => Describe(r.Name, r.Methods, r.Route, r.AuthLevel.ToString()))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(generated.Length >= 19, "functions.metadata lists too few HTTP functions: " + generated.Length);
        Assert.Equal(generated, standalone);
    }

    [Fact]
    public void Every_http_function_has_the_http_output_the_host_needs()
    {
        foreach (var function in Metadata.Where(f => f.GetProperty("bindings")[0].GetProperty("type").GetString() == "httpTrigger"))
        {
            var bindings = function.GetProperty("bindings").EnumerateArray().ToArray();
            Assert.Equal(2, bindings.Length);
            Assert.Equal("http", bindings[1].GetProperty("type").GetString());
            Assert.Equal("$return", bindings[1].GetProperty("name").GetString());
        }
    }

    [Fact]
    public void The_warmup_timer_runs_on_the_app_setting_schedule()
    {
        var timer = Assert.Single(Metadata, f => f.GetProperty("name").GetString() == "TtsCacheWarmup");

        Assert.Equal("timerTrigger", timer.GetProperty("bindings")[0].GetProperty("type").GetString());
        Assert.Equal("%TtsWarmup__Schedule%", timer.GetProperty("bindings")[0].GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_host_runs_two_timers_and_the_unanswered_call_sweep_every_minute()
    {
        var timers = Metadata.Where(f => f.GetProperty("bindings")[0].GetProperty("type").GetString() == "timerTrigger").ToArray();
        Assert.Equal(["TtsCacheWarmup", "UnansweredCallSweep"], timers.Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));

        var sweep = timers.Single(t => t.GetProperty("name").GetString() == "UnansweredCallSweep");
        Assert.Equal("0 * * * * *", sweep.GetProperty("bindings")[0].GetProperty("schedule").GetString());
        // Standalone, no host fires timers: a loop stands in, on the same period.
        Assert.Equal(TimeSpan.FromMinutes(1), DvServerless.Functions.Calls.LocalUnansweredCallSweepService.Period);
    }

    [Fact]
    public void The_call_action_trigger_reads_the_queue_the_worker_sends_to()
    {
        var trigger = Assert.Single(Metadata, f => f.GetProperty("bindings")[0].GetProperty("type").GetString() == "queueTrigger");

        Assert.Equal("CallAction", trigger.GetProperty("name").GetString());
        Assert.Equal(Adapters.CallActions.CallActionQueueDefaults.Name, trigger.GetProperty("bindings")[0].GetProperty("queueName").GetString());
        // Not an HTTP function: the standalone host does not map it (its poller stands in), and no route names it.
        Assert.DoesNotContain(FunctionsApp.Routes, r => r.Name == "CallAction");
    }

    [Fact]
    public void Only_the_event_grid_webhook_needs_a_function_key()
    {
        // Tenant APIs authenticate with API keys or tokens (a tenant must never hold a host key); ACS callbacks carry an
        // ACS-signed JWT and OpenAI webhooks a Standard Webhooks signature, both checked by the app.
        var keyed = FunctionsApp.Routes.Where(r => r.AuthLevel != AuthorizationLevel.Anonymous).Select(r => r.Name);

        Assert.Equal(["IncomingCall"], keyed);
        Assert.Equal(AuthorizationLevel.Function, FunctionsApp.Routes.Single(r => r.Name == "IncomingCall").AuthLevel);
    }

    [Fact]
    public async Task The_standalone_app_serves_exactly_the_route_table_below_the_prefix()
    {
        await using var app = FunctionsApp.Build([]);
        var served = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => ("/" + e.RoutePattern.RawText!.TrimStart('/')).StartsWith("/" + FunctionRouteTable.Prefix + "/", StringComparison.Ordinal))
            .Where(e => !IsStandaloneOnly("/" + e.RoutePattern.RawText!.TrimStart('/')))
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName + " /" + e.RoutePattern.RawText!.TrimStart('/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

        var table = FunctionsApp.Routes.Select(r => r.Name + " " + r.Path).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(table, served);
    }

    [Fact]
    public void A_function_signature_the_standalone_host_cannot_bind_fails_at_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionRouteTable.Read([typeof(UnbindableFunction)]));

        Assert.Contains("context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_route_value_is_bound_by_name()
    {
        var route = Assert.Single(FunctionRouteTable.Read([typeof(RouteValueFunction)]));

        Assert.Equal("things/{thingId}", route.Route);
        Assert.Equal(["GET"], route.Methods);
    }

    // Paths the standalone host adds that are not functions: the API description and its reference page.
    private static bool IsStandaloneOnly(string path) =>
        path == FunctionsOpenApi.DocumentPath || path.StartsWith(FunctionsOpenApi.ReferencePath, StringComparison.Ordinal);

    private static string Describe(string name, IEnumerable<string> methods, string route, string authLevel) =>
        $"{name} {string.Join(',', methods.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal))} {route} {authLevel}";

    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Stands in for a function class, whose functions are instance methods.")]
    private sealed class UnbindableFunction
    {
        [Function("Unbindable")]
        public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things")] HttpRequest req, FunctionContext context) => Results.Ok();
    }

    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Stands in for a function class, whose functions are instance methods.")]
    private sealed class RouteValueFunction
    {
        [Function("RouteValue")]
        public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{thingId}")] HttpRequest req, string thingId) => Results.Ok(thingId);
    }
}
