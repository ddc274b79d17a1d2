using DvServerless.Core.Engines;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Engines.Resilience;

/// <summary>Reading an engine's events as the call loop does, and waiting for what a test expects of them.</summary>
internal static class EngineTestWaits
{
    /// <summary>Reads <paramref name="engine"/>'s events in the background into a list (lock it to read).</summary>
    public static (List<EngineEvent> Seen, Task Reading) Read(IConversationEngine engine)
    {
        var seen = new List<EngineEvent>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in engine.ReadEventsAsync(CancellationToken.None))
            {
                lock (seen)
                {
                    seen.Add(e);
                }
            }
        });
        return (seen, reading);
    }

    /// <summary>Whether the reader has seen an event that matches (under the list's lock: the reader adds while this looks).</summary>
    public static bool Saw(List<EngineEvent> seen, Func<EngineEvent, bool> match)
    {
        lock (seen)
        {
            return seen.Any(match);
        }
    }

    /// <summary>Waits up to 5 s of real time for <paramref name="condition"/>.</summary>
    public static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition was not met within 5 s");
    }

    /// <summary>Moves <paramref name="time"/> on 100 ms at a time (up to 50 s) until <paramref name="condition"/> holds.</summary>
    public static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }

        Assert.True(condition(), "the condition was not met");
    }
}
