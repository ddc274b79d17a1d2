using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Tests.Live;

/// <summary>A stand-in for Azure SignalR Service's group-send REST route on Kestrel (loopback): records every request as it arrived.</summary>
internal sealed class SignalRRestStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedSend> _sends = [];

    private SignalRRestStub(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.Accepted;

    public IReadOnlyList<ReceivedSend> Sends
    {
        get
        {
            lock (_sends)
            {
                return [.. _sends];
            }
        }
    }

    public static async Task<SignalRRestStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SignalRRestStub? stub = null;
        app.MapPost("/api/hubs/{hub}/groups/{group}/:send", async (HttpContext context, string hub, string group) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (stub!._sends)
            {
                stub._sends.Add(new ReceivedSend(hub, group, context.Request.Query["api-version"].ToString(),
                    context.Request.Headers.Authorization.ToString(), context.Request.ContentType, body, context.Request.GetEncodedUrl()));
            }

            return Results.StatusCode((int)stub.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new SignalRRestStub(app, new Uri(address));
        return stub;
    }

    public async Task<IReadOnlyList<ReceivedSend>> WaitForSendsAsync(int count)
    {
        for (var i = 0; i < 1000; i++)
        {
            var sends = Sends;
            if (sends.Count >= count)
            {
                return sends;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"The stub received {Sends.Count} sends, expected {count}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record ReceivedSend(string Hub, string Group, string ApiVersion, string Authorization, string? ContentType, string Body, string Url);
}
