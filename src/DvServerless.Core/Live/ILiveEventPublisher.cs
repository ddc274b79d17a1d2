namespace DvServerless.Core.Live;

/// <summary>
/// Sends <see cref="LiveEvent"/>s to the dashboards that may see them: the event's tenant group and the admin group
/// (<see cref="LiveGroups"/>). In the worker, the live hub (in-process, or Azure SignalR Service in the cloud); in the
/// Functions app, Azure SignalR's REST API (the worker's hub locally).
/// </summary>
/// <remarks>
/// Called on the call loop's control task: <see cref="Publish"/> only queues and never blocks or throws. A full queue
/// drops the event (counted), because a slow dashboard must never slow a call.
/// </remarks>
public interface ILiveEventPublisher
{
    /// <summary>Queues <paramref name="liveEvent"/> for sending; false when it was dropped.</summary>
    bool Publish(LiveEvent liveEvent);
}
