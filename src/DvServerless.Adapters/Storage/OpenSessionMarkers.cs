using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Lists the open-session markers (<see cref="SessionIndexBlobs.OpenPrefix"/>) with their metadata: the one listing
/// behind the active-call count and the open-session query. One request per 5,000 open sessions; no document is opened.
/// </summary>
internal static class OpenSessionMarkers
{
    /// <summary>Every marker in <paramref name="sessions"/>; none when the container does not exist yet.</summary>
    public static async IAsyncEnumerable<OpenSessionMarker> ListAsync(BlobContainerClient sessions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        await using var items = sessions.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, SessionIndexBlobs.OpenPrefix, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No sessions container yet: no sessions.
                break;
            }

            var item = items.Current;
            yield return new OpenSessionMarker(
                SessionIndexBlobs.CallIdOfOpen(item.Name),
                SessionIndexMetadata.TryRead(item.Metadata, out var index) ? index : null,
                item.Properties.LastModified);
        }
    }
}

/// <summary>One open-session marker as listed.</summary>
/// <param name="CallId">The session's call id.</param>
/// <param name="Index">The session's index as of its last write; null for a marker left without one by a failed write.</param>
/// <param name="LastModified">When the marker was written, which is the session's last write.</param>
internal readonly record struct OpenSessionMarker(string CallId, SessionIndex? Index, DateTimeOffset? LastModified);
