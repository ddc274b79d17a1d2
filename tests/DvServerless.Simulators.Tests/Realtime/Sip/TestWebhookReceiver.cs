using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Tests.Realtime.Sip;

/// <summary>A Kestrel webhook endpoint on 127.0.0.1:0 that records each delivery and answers through a delegate.</summary>
internal sealed class TestWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public List<Delivery> Deliveries { get; } = [];

    public static async Task<TestWebhookReceiver> StartAsync(Func<Delivery, int, Task<int>> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestWebhookReceiver? receiver = null;
        app.MapPost("/webhook", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var delivery = new Delivery(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray());
            int index;
            lock (receiver!.Deliveries)
            {
                receiver.Deliveries.Add(delivery);
                index = receiver.Deliveries.Count - 1;
            }

            context.Response.StatusCode = await answer(delivery, index);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        receiver = new TestWebhookReceiver(app, new Uri(address, "/webhook"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, byte[] Body);
}
