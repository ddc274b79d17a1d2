using System.Text.Json;
using DvServerless.MediaWorker.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.MediaWorker.Tests.Internal;

/// <summary>The in-process hub's lifetime manager, recording every group send (and still sending it).</summary>
internal sealed class RecordingHubLifetimeManager() : DefaultHubLifetimeManager<LiveHub>(NullLogger<DefaultHubLifetimeManager<LiveHub>>.Instance)
{
    private readonly List<GroupSend> _sends = [];

    public IReadOnlyList<GroupSend> Sends
    {
        get
        {
            lock (_sends)
            {
                return [.. _sends];
            }
        }
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        lock (_sends)
        {
            _sends.Add(new GroupSend(groupName, methodName, args.Select(a => JsonSerializer.Serialize(a)).ToArray()));
        }

        return base.SendGroupAsync(groupName, methodName, args, cancellationToken);
    }

    public async Task<IReadOnlyList<GroupSend>> WaitForAsync(int count)
    {
        for (var i = 0; i < 1000 && Sends.Count < count; i++)
        {
            await Task.Delay(10);
        }

        return Sends;
    }

    internal sealed record GroupSend(string Group, string Method, string[] ArgumentsJson);
}
