using System.Diagnostics;
using DvServerless.Core.Diagnostics;

namespace DvServerless.Core.Tests.Diagnostics;

/// <summary>The listener counts the threads the pool really injects when its work starves, and reports GC pauses on request.</summary>
[Collection(ThreadPoolBlocking.Name)]
public sealed class RuntimeEventListenerTests
{
    // A safety net, not a measurement: starvation detection adds a thread about every 500 ms while work waits.
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_thread_the_pool_adds_because_queued_work_is_starving_is_counted()
    {
        using var listener = new RuntimeEventListener();
        var before = listener.StarvationInjections;
        var release = new ManualResetEventSlim();
        var queued = 0;
        var finished = 0;
        var waited = Stopwatch.StartNew();
        try
        {
            // Work items that block their pool thread, more than the pool has threads: the rest wait in the queue, and the
            // pool's starvation detection injects threads (each of which takes one and blocks in turn). More are queued
            // whenever the queue empties, so there is always starving work until the injection is seen.
            while (listener.StarvationInjections == before && waited.Elapsed < GiveUpAfter && queued < 512)
            {
                if (ThreadPool.PendingWorkItemCount < 2)
                {
                    var more = Math.Max(ThreadPool.ThreadCount, Environment.ProcessorCount) + 2;
                    for (var i = 0; i < more; i++)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(_ =>
                        {
                            release.Wait();
                            Interlocked.Increment(ref finished);
                        }, null);
                    }

                    queued += more;
                }

                Thread.Sleep(50);
            }
        }
        finally
        {
            release.Set();
            // The gate may be disposed only once no work item can still wait on it.
            if (SpinWait.SpinUntil(() => Volatile.Read(ref finished) == queued, GiveUpAfter))
            {
                release.Dispose();
            }
        }

        Assert.True(listener.StarvationInjections > before, $"no starvation injection seen after {waited.Elapsed.TotalSeconds:0.0} s and {queued} blocked work items");
    }
}

/// <summary>Tests that block the thread pool on purpose run alone: every other test would wait behind them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolBlocking
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Thread pool blocking";
}
