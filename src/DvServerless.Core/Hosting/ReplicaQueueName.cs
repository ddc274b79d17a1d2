using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Core.Hosting;

/// <summary>
/// The Storage queue name of one media worker replica, derived from the replica's name (<c>CONTAINER_APP_REPLICA_NAME</c>
/// in Azure Container Apps, a generated id locally): <c>dvs-cmd-</c> and the name reduced to the queue naming rules —
/// 3–63 characters, lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
/// </summary>
/// <remarks>
/// Replica names such as <c>ca-worker-abc--0000001-5d8f7c9b6-x2k4l</c> hold double hyphens and capitals; they are folded
/// rather than refused. A name too long for the rules keeps its start and gains a hash of the whole name, so two long
/// names that share their first characters still get different queues.
/// </remarks>
public static class ReplicaQueueName
{
    /// <summary>What every replica queue name starts with, so they are easy to tell from other queues in the account.</summary>
    public const string Prefix = "dvs-cmd-";

    /// <summary>The longest queue name Azure Storage accepts.</summary>
    public const int MaxLength = 63;

    private const int HashLength = 8;

    /// <summary>The queue name of the replica named <paramref name="replicaName"/>.</summary>
    /// <exception cref="ArgumentException">The name has no letter or digit at all.</exception>
    public static string Of(string replicaName)
    {
        ArgumentNullException.ThrowIfNull(replicaName);
        var folded = new StringBuilder(replicaName.Length);
        foreach (var c in replicaName.Trim())
        {
            var lower = char.ToLowerInvariant(c);
            if (char.IsAsciiLetterLower(lower) || char.IsAsciiDigit(lower))
            {
                folded.Append(lower);
            }
            else if (folded.Length > 0 && folded[^1] != '-')
            {
                // Any other character becomes one hyphen; runs of them collapse.
                folded.Append('-');
            }
        }

        var name = folded.ToString().TrimEnd('-');
        if (name.Length == 0)
        {
            throw new ArgumentException("A replica name needs at least one letter or digit.", nameof(replicaName));
        }

        var room = MaxLength - Prefix.Length;
        if (name.Length > room)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(replicaName)))[..HashLength];
            name = name[..(room - HashLength - 1)].TrimEnd('-') + "-" + hash;
        }

        return Prefix + name;
    }

    /// <summary>Whether <paramref name="name"/> follows the Storage queue naming rules.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: >= 3 and <= MaxLength }
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>A replica name for a worker that runs outside Container Apps: <c>local-</c> and 12 random hex digits.</summary>
    public static string NewLocalReplicaName() => "local-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
