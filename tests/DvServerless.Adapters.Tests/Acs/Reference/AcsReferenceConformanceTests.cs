using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using DvServerless.Adapters.Acs;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DvServerless.Adapters.Tests.Acs.Reference;

/// <summary>
/// PROTOCOL.md §7 conformance: for answer, play-to-all and terminate, our <see cref="AcsCallAutomationClient"/> sends
/// what the official SDK (npm <c>@azure/communication-call-automation</c> 1.6.0) sends — same method, path shape, query,
/// body JSON (semantically) and signed header set — both observed at the ACS simulator, which verifies each signature.
/// </summary>
public sealed class AcsReferenceConformanceTests : IAsyncLifetime
{
    private const string PlayText = "Hello from the reference client.";
    private const string Voice = "en-US-JennyNeural";

    private readonly Channel<string> _incoming = Channel.CreateUnbounded<string>();
    private AcsSimulator _simulator = null!;
    private WebApplication _receiver = null!;
    private string _receiverUrl = null!;

    public async Task InitializeAsync()
    {
        _simulator = await AcsSimulator.StartAsync(new AcsSimulatorOptions(), CancellationToken.None);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BoundAddress.LoopbackAny);
        _receiver = builder.Build();
        _receiver.MapPost("/incoming", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await _incoming.Writer.WriteAsync(await reader.ReadToEndAsync());
            return Results.Ok();
        });
        _receiver.MapPost("/callbacks", () => Results.Ok());
        await _receiver.StartAsync();
        _receiverUrl = BoundAddress.Of(_receiver).ToString().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [SkippableFact]
    public async Task Answer_play_and_terminate_match_the_official_sdk()
    {
        var script = AcsReferenceSdk.RequireScript();
        var callback = _receiverUrl + "/callbacks";
        var transport = $"ws://127.0.0.1:{new Uri(_receiverUrl).Port}/media";

        // The official SDK takes the first call.
        var first = await PlaceCallAsync();
        var (exitCode, output, error) = await AcsReferenceSdk.RunAsync(script, new Dictionary<string, string?>
        {
            ["DVS_ACS_CONNECTION_STRING"] = _simulator.ConnectionString,
            ["DVS_INCOMING_CALL_CONTEXT"] = first.Context,
            ["DVS_CALLBACK_URL"] = callback,
            ["DVS_TRANSPORT_URL"] = transport,
        });
        Assert.True(exitCode == 0, error + output);
        var reference = _simulator.Requests.Where(r => r.Operation is not null).ToList();

        // Ours takes the second, asking for the same things.
        var second = await PlaceCallAsync();
        var client = new AcsCallAutomationClient(AcsConnectionString.Parse(_simulator.ConnectionString));
        var answered = await client.AnswerCallAsync(new AnswerCallRequest(second.Context, new Uri(callback))
        {
            MediaTransportUrl = new Uri(transport),
            StartMediaStreaming = false,
            AudioFormat = "pcm24KMono",
        });
        await client.PlayAsync(answered.CallConnectionId, new PlayRequest { Kind = "text", Value = PlayText, VoiceName = Voice });
        await client.TerminateCallAsync(answered.CallConnectionId);
        var ours = _simulator.Requests.Where(r => r.Operation is not null).Skip(reference.Count).ToList();

        Assert.Equal(reference.Select(r => (r.Operation, r.Method, r.StatusCode)), ours.Select(r => (r.Operation, r.Method, r.StatusCode)));
        for (var i = 0; i < reference.Count; i++)
        {
            var (theirs, mine) = (reference[i], ours[i]);
            Assert.Equal(Shape(theirs), Shape(mine));
            Assert.True(JsonNode.DeepEquals(Body(theirs), Body(mine)),
                $"{theirs.Operation} bodies differ:\n official: {Body(theirs)?.ToJsonString()}\n ours:     {Body(mine)?.ToJsonString()}");
            Assert.Equal(SignedHeaders(theirs), SignedHeaders(mine));
        }
    }

    // The request target with this call's ids taken out: path and query must match exactly otherwise.
    private static string Shape(AcsRecordedRequest request) =>
        request.CallConnectionId is null ? request.RawTarget : request.RawTarget.Replace(request.CallConnectionId, "{id}", StringComparison.Ordinal);

    // The body without what differs per call by design (each call has its own incomingCallContext).
    private static JsonNode? Body(AcsRecordedRequest request)
    {
        if (string.IsNullOrEmpty(request.Body))
        {
            return null;
        }

        var node = JsonNode.Parse(request.Body)!;
        if (node is JsonObject body)
        {
            body.Remove("incomingCallContext");
            // Generated fresh per play by both clients: the same when it is a UUID.
            if (body["operationContext"]?.GetValue<string>() is { } context && Guid.TryParse(context, out _))
            {
                body["operationContext"] = "{uuid}";
            }
        }

        return node;
    }

    // The protocol headers both clients send; client-specific ones (User-Agent, request ids) are left out.
    private static string[] SignedHeaders(AcsRecordedRequest request) =>
        request.Headers.Keys
            .Where(h => h.StartsWith("x-ms-date", StringComparison.OrdinalIgnoreCase) || h.StartsWith("x-ms-content-sha256", StringComparison.OrdinalIgnoreCase)
                || h.StartsWith("Repeatability-", StringComparison.OrdinalIgnoreCase) || h.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .Select(h => h.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();

    private async Task<(SimulatedCall Call, string Context)> PlaceCallAsync()
    {
        var call = await _simulator.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = new Uri(_receiverUrl + "/incoming"),
            CallerAudio = new byte[AudioFormat.Pcm24k.FrameBytes() * 50],
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(20),
            AnswerTimeout = TimeSpan.FromSeconds(20),
        }, CancellationToken.None);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var incoming = await _incoming.Reader.ReadAsync(wait.Token);
        return (call, JsonDocument.Parse(incoming).RootElement[0].GetProperty("data").GetProperty("incomingCallContext").GetString()!);
    }
}
