namespace DvServerless.MediaWorker.Hosting;

/// <summary>Marks an endpoint served on the worker's internal port only (<see cref="InternalPortEndpoints.RequireInternalPort"/>).</summary>
public sealed class InternalPortEndpointMetadata
{
    /// <summary>The one instance.</summary>
    public static readonly InternalPortEndpointMetadata Instance = new();

    private InternalPortEndpointMetadata()
    {
    }
}
