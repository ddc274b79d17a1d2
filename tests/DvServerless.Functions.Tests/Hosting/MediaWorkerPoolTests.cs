using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>New calls are spread over the configured workers in turn, and a call stays on the worker it was given.</summary>
public sealed class MediaWorkerPoolTests
{
    private static readonly Uri A = new("http://127.0.0.1:7073");
    private static readonly Uri B = new("http://127.0.0.1:7074");

    [Fact]
    public void New_calls_go_to_the_workers_in_turn_and_every_later_request_of_a_call_to_the_same_one()
    {
        var pool = new MediaWorkerPool(Options.Create(new MediaWorkerOptions { BaseUrls = [A, B] }));

        var first = pool.For("call-1");
        var second = pool.For("call-2");
        var third = pool.For("call-3");

        Assert.Equal([A, B, A], new[] { first, second, third });
        Assert.Equal(first, pool.For("call-1"));
        Assert.Equal(second, pool.For("call-2"));
        Assert.Equal([A, B], pool.All);
    }

    [Fact]
    public void Without_BaseUrls_every_call_goes_to_BaseUrl()
    {
        var pool = new MediaWorkerPool(Options.Create(new MediaWorkerOptions { BaseUrl = B }));

        Assert.Equal(B, pool.For("call-1"));
        Assert.Equal(B, pool.For("call-2"));
        Assert.Equal([B], pool.All);
    }

    [Fact]
    public void The_oldest_choices_are_forgotten_beyond_the_limit()
    {
        var pool = new MediaWorkerPool(Options.Create(new MediaWorkerOptions { BaseUrls = [A, B] }));
        var firstWorker = pool.For("call-0");
        for (var i = 1; i <= MediaWorkerPool.RememberedCalls; i++)
        {
            pool.For("call-" + i);
        }

        // call-0 was forgotten: it is chosen afresh, in turn (the counter has moved an even number of steps past it).
        Assert.Equal(firstWorker == A ? B : A, pool.For("call-0"));
    }
}
