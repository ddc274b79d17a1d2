using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Testing;

/// <summary>
/// Where a started test server listens. Test servers bind <see cref="LoopbackAny"/> (port 0: the system chooses the port
/// as Kestrel binds it, so no other process can take it in between) and read their URL back here.
/// </summary>
public static class BoundAddress
{
    /// <summary>The URL to listen on: 127.0.0.1, any free port.</summary>
    public const string LoopbackAny = "http://127.0.0.1:0";

    /// <summary>The first address <paramref name="app"/> listens on, once started (e.g. <c>http://127.0.0.1:41234/</c>).</summary>
    public static Uri Of(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server reports no addresses.");
        return new Uri(addresses.First());
    }
}
