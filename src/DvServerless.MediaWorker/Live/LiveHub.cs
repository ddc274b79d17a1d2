using DvServerless.Core.Live;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The live hub at <c>/hubs/live</c>: dashboards connect with a tenant (or admin) token from <c>POST /api/v1/auth/token</c>
/// and receive <see cref="Core.Live.LiveEvent"/>s of their own tenant (the admin: of every tenant). In-process locally,
/// backed by Azure SignalR Service in the cloud.
/// </summary>
/// <remarks>
/// Negotiating without a valid token answers 401 (<see cref="ApiTokenAuthenticationHandler"/>). Clients only listen and
/// ask for <see cref="GetSnapshot"/>: there is no method to send anything to a group.
/// </remarks>
[Authorize(AuthenticationSchemes = ApiTokenAuthenticationHandler.SchemeName)]
public sealed class LiveHub : Hub
{
    /// <summary>The route.</summary>
    public const string Path = "/hubs/live";

    /// <summary>The hub's name as Azure SignalR and its REST API know it.</summary>
    public const string Name = "live";

    private readonly LiveCallBoard _board;

    /// <summary>Creates the hub for one call (SignalR makes one per invocation).</summary>
    public LiveHub(LiveCallBoard board) => _board = board;

    /// <summary>Puts the connection in its tenant's group, or the admin's.</summary>
    public override async Task OnConnectedAsync()
    {
        if (ApiTokenAuthenticationHandler.CallerOf(Context.User) is not { } caller)
        {
            // [Authorize] lets no one else in; a principal without our claims is refused rather than guessed at.
            Context.Abort();
            return;
        }

        var group = caller.IsAdmin ? LiveGroups.Admin : LiveGroups.ForTenant(caller.TenantId!);
        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted).ConfigureAwait(false);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    /// <summary>The calls and latency percentiles the caller may see: its tenant's, or every tenant's for the admin.</summary>
    public LiveSnapshot GetSnapshot()
    {
        var caller = ApiTokenAuthenticationHandler.CallerOf(Context.User)
            ?? throw new HubException("Not signed in.");
        return _board.Snapshot(caller.IsAdmin ? null : caller.TenantId);
    }
}
