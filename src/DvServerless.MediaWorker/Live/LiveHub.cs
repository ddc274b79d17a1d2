using Microsoft.AspNetCore.SignalR;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The live hub at <c>/hubs/live</c>: dashboards connect with a tenant (or admin) token from <c>POST /api/v1/auth/token</c>
/// and receive <see cref="Core.Live.LiveEvent"/>s of their own tenant (the admin: of every tenant). In-process locally,
/// backed by Azure SignalR Service in the cloud.
/// </summary>
public sealed class LiveHub : Hub
{
    /// <summary>The route.</summary>
    public const string Path = "/hubs/live";

    /// <summary>The hub's name as Azure SignalR and its REST API know it.</summary>
    public const string Name = "live";
}
