using System.Text.Json.Serialization;

namespace DvServerless.Cli.Up;

/// <summary>
/// What <c>dvs up --urls-file</c> writes once the stack is ready:
/// <c>{"functions","worker","console","dashboard","metrics","calls","apiKey","tenant"}</c>. The file holds an API key: it is
/// written readable by its owner only where the platform allows.
/// </summary>
/// <param name="Functions">The Functions app's base URL (the REST API).</param>
/// <param name="Worker">The media worker's base URL.</param>
/// <param name="Console">The console page.</param>
/// <param name="Dashboard">The live dashboard of calls, transcripts, latency and cost.</param>
/// <param name="Metrics">The worker's Prometheus metrics.</param>
/// <param name="Calls">Where <c>dvs call --stack</c> places a simulated phone call (<see cref="StackCallServer"/>).</param>
/// <param name="ApiKey">The tenant's fresh API key.</param>
/// <param name="Tenant">The tenant id.</param>
public sealed record StackUrls(
    [property: JsonPropertyName("functions")] string Functions,
    [property: JsonPropertyName("worker")] string Worker,
    [property: JsonPropertyName("console")] string Console,
    [property: JsonPropertyName("dashboard")] string Dashboard,
    [property: JsonPropertyName("metrics")] string Metrics,
    [property: JsonPropertyName("calls")] string Calls,
    [property: JsonPropertyName("apiKey")] string ApiKey,
    [property: JsonPropertyName("tenant")] string Tenant);
