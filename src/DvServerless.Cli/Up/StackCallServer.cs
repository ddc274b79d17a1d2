using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DvServerless.Cli.Calls;
using DvServerless.Core.Audio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.Cli.Up;

/// <summary>
/// The phone line of a running <c>dvs up</c>: <c>POST /calls</c> on a loopback port places one simulated ACS call on the
/// stack (the ACS simulator dials the Functions app, which answers and hands the media to the worker), to the tenant's
/// number, so the call shows on the tenant's dashboard. Authenticated by the tenant's API key (<c>X-Api-Key</c>); the
/// request holds the caller's audio and is answered with the call's summary when the call is over. Used by
/// <c>dvs call --stack</c>.
/// </summary>
public sealed class StackCallServer : IAsyncDisposable
{
    /// <summary>The route.</summary>
    public const string Route = "/calls";

    /// <summary>The header that carries the tenant's API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    // Ten minutes of 24 kHz caller audio, base64: more than a demo call needs, bounded all the same.
    private const int MaxBodyBytes = 40 * 1024 * 1024;
    private const int MaxDurationSeconds = 600;

    private readonly WebApplication _app;

    private StackCallServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where calls are placed: <c>http://127.0.0.1:{port}/calls</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts the server for <paramref name="stack"/> on a free loopback port.</summary>
    public static async Task<StackCallServer> StartAsync(LocalStack.LocalStack stack, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(progress);
        var apiKey = stack.TenantApiKey ?? throw new InvalidOperationException("The stack was started without a tenant (LocalStackOptions.CreateTenant).");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // dvs up owns Ctrl+C and stops this server itself; a console lifetime here would take the signal for itself.
        builder.Services.AddSingleton<IHostLifetime, LocalStack.OwnedHostLifetime>();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);
        var app = builder.Build();
        app.MapPost(Route, (HttpRequest request) => PlaceAsync(request.HttpContext, stack, apiKey, progress));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StackCallServer(app, new Uri(new Uri(address), Route));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // A call still on the line is cut off rather than waited for: the stack behind it is stopping too.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(patience.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<IResult> PlaceAsync(HttpContext context, LocalStack.LocalStack stack, string apiKey, Action<string> progress)
    {
        if (!IsKey(context.Request.Headers[ApiKeyHeader].ToString(), apiKey))
        {
            return Results.Json(new { error = "X-Api-Key must be this stack's tenant API key (apiKey in the urls file)." }, statusCode: StatusCodes.Status401Unauthorized);
        }

        StackCallRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<StackCallRequest>(context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return BadRequest("The body must be JSON: {audio, sampleRate, maxDurationSeconds, heardAudio}.");
        }

        if (request is null || string.IsNullOrEmpty(request.Audio))
        {
            return BadRequest("audio (base64 PCM16LE mono) is required.");
        }

        AudioFormat? format = request.SampleRate switch
        {
            8000 => AudioFormat.Pcm8k,
            16000 => AudioFormat.Pcm16k,
            24000 => AudioFormat.Pcm24k,
            _ => null,
        };
        if (format is null)
        {
            return BadRequest("sampleRate must be 8000, 16000 or 24000.");
        }

        if (request.MaxDurationSeconds is < 1 or > MaxDurationSeconds)
        {
            return BadRequest($"maxDurationSeconds must be from 1 to {MaxDurationSeconds}.");
        }

        byte[] pcm;
        try
        {
            pcm = Convert.FromBase64String(request.Audio);
        }
        catch (FormatException)
        {
            return BadRequest("audio must be base64.");
        }

        if (pcm.Length % 2 != 0)
        {
            return BadRequest("audio must be whole 16-bit samples (an even number of bytes).");
        }

        progress("dvs call --stack: placing a call to the tenant's number");
        try
        {
            var (summary, result) = await AcsStackCall.RunAsync(stack, pcm, format.Value, TimeSpan.FromSeconds(request.MaxDurationSeconds),
                note => progress("  " + note), context.RequestAborted).ConfigureAwait(false);
            progress($"dvs call --stack: call {summary.CallId} {summary.FinalState}");
            var heard = request.HeardAudio ? Convert.ToBase64String(result.HeardAudio) : null;
            return Results.Json(new StackCallResponse(summary, heard, result.HeardFormat.SampleRate), CallRunSteps.SummaryJson);
        }
        catch (InvalidOperationException e)
        {
            // Nothing answered: the gateway, not this request, is at fault.
            return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static IResult BadRequest(string error) => Results.Json(new { error }, statusCode: StatusCodes.Status400BadRequest);

    private static bool IsKey(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
